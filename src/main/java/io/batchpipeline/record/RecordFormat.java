package io.batchpipeline.record;

import java.util.List;

/** Parses the raw text of records into named fields. Implementations are immutable and thread-safe. */
@FunctionalInterface
public interface RecordFormat {

    /** @throws MalformedRecordException when the text is not a valid record */
    ParsedRecord parse(String raw);

    /**
     * Parses a record's text as read; a format that reads bytes overrides it, so that a record read as UTF-8 is not
     * decoded into a String first.
     *
     * @throws MalformedRecordException when the text is not a valid record
     */
    default ParsedRecord parse(RecordText text) {
        return parse(text.string());
    }

    /**
     * A text from which the source package rebuilds this format, so that records kept in the durable buffer can
     * be parsed after a restart.
     */
    default String spec() {
        throw new UnsupportedOperationException(getClass().getName() + " cannot be restored from the durable buffer");
    }

    /**
     * The CSV layout of this format's records, when their raw text is CSV that a sink may hand on unparsed; null
     * otherwise.
     */
    default CsvLayout csvLayout() {
        return null;
    }

    /**
     * Parses {@code records[from, to)}, which all have this format, into {@code results}. A format may do this
     * faster than one record at a time.
     */
    default void parseAll(List<SourceRecord> records, int from, int to, ParseResult[] results) {
        for (int i = from; i < to; i++) {
            try {
                results[i] = parse(records.get(i).text());
            } catch (MalformedRecordException e) {
                results[i] = new ParseResult.Malformed(e.getMessage());
            } catch (RuntimeException e) { // whatever goes wrong with one record rejects that record, not its batch
                results[i] = new ParseResult.Malformed("cannot parse: " + e);
            }
        }
    }

    /** Parses a batch, each run of records of one format at once. */
    static ParseResult[] parseBatch(List<SourceRecord> records) {
        ParseResult[] results = new ParseResult[records.size()];
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
