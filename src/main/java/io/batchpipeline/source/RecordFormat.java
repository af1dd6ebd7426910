package io.batchpipeline.source;

import java.util.List;

/** Parses the raw text of records into named fields. Implementations are immutable and thread-safe. */
@FunctionalInterface
public interface RecordFormat {

    /** @throws MalformedRecordException when the text is not a valid record */
    ParsedRecord parse(String raw);

    /**
     * A text that {@link #ofSpec(String)} turns back into this format, so that records kept in the durable
     * buffer can be parsed after a restart.
     */
    default String spec() {
        throw new UnsupportedOperationException(getClass().getName() + " cannot be restored from the durable buffer");
    }

    /**
     * Parses {@code records[from, to)}, which all have this format, into {@code results}: for each record its
     * {@link ParsedRecord}, or the {@link MalformedRecordException} that says why it cannot be parsed. A format may do this
     * faster than one record at a time.
     */
    default void parseAll(List<SourceRecord> records, int from, int to, Object[] results) {
        for (int i = from; i < to; i++) {
            try {
                results[i] = parse(records.get(i).raw());
            } catch (MalformedRecordException e) {
                results[i] = e;
            }
        }
    }

    /** The record format a {@link #spec()} describes. */
    static RecordFormat ofSpec(String spec) {
        if (spec.equals(JsonRecordFormat.SPEC)) {
            return JsonRecordFormat.STANDARD;
        }
        if (spec.startsWith(CsvRecordFormat.SPEC_PREFIX)) {
            return CsvRecordFormat.ofSpec(spec);
        }
        throw new IllegalArgumentException("unknown record format '" + spec + "'");
    }

    /** Parses a batch: each element of the result is a {@link ParsedRecord} or a {@link MalformedRecordException}. */
    static Object[] parseBatch(List<SourceRecord> records) {
        Object[] results = new Object[records.size()];
        int start = 0;
        while (start < records.size()) {
            RecordFormat format = records.get(start).format();
            int end = start + 1;
            while (end < records.size() && records.get(end).format() == format) {
                end++;
            }
            format.parseAll(records, start, end, results);
            start = end;
        }
        return results;
    }
}
