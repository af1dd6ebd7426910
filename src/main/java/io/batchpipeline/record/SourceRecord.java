package io.batchpipeline.record;

import java.util.Map;

/**
 * One record as read from a source: where it came from, the line it starts on, and its raw text. Fields
 * are parsed on demand by the record's format, on a writer thread, so the source thread only has to find
 * where each record ends. The raw text is what a dead-letter entry shows; the receipt, when there is one,
 * is told once the record is written.
 */
public final class SourceRecord {

    private final String source;
    private final long line;
    private final RecordText text;
    private final RecordFormat format;
    private final SourceReceipt receipt;

    public SourceRecord(String source, long line, RecordText text, RecordFormat format, SourceReceipt receipt) {
        this.source = source;
        this.line = line;
        this.text = text;
        this.format = format;
        this.receipt = receipt;
    }

    public SourceRecord(String source, long line, String raw, RecordFormat format, SourceReceipt receipt) {
        this(source, line, RecordText.of(raw), format, receipt);
    }

    /** A record whose fields are already known, e.g. built by a test or a replay. */
    public static SourceRecord of(String source, long line, String raw, Map<String, Object> fields) {
        ParsedRecord parsed = ParsedRecord.of(fields);
        return new SourceRecord(source, line, raw, text -> parsed, null);
    }

    public String source() {
        return source;
    }

    public long line() {
        return line;
    }

    /** The raw text. */
    public String raw() {
        return text.string();
    }

    /** The raw text as read, in UTF-8 when it was read so. */
    public RecordText text() {
        return text;
    }

    public RecordFormat format() {
        return format;
    }

    public SourceReceipt receipt() {
        return receipt;
    }

    /**
     * The record's fields.
     *
     * @throws MalformedRecordException when the raw text cannot be parsed
     */
    public ParsedRecord parse() {
        return format.parse(text());
    }

    /** The record's fields by name, in source order. @throws MalformedRecordException when the raw text cannot be parsed */
    public Map<String, Object> fields() {
        return parse().asMap();
    }

    @Override
    public String toString() {
        return source + " line " + line + ": " + raw();
    }
}
