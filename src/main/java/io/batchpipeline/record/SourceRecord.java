package io.batchpipeline.record;

import java.util.Map;

/**
 * One record as read from a source: where it came from, the line it starts on, and its raw text. Fields
 * are parsed on demand by the record's format, on a writer thread, so the source thread only has to find
 * where each record ends. The raw text is what a dead-letter entry shows; the receipt, when there is one,
 * is told once the record is written.
 */
public record SourceRecord(String source, long line, String raw, RecordFormat format, SourceReceipt receipt) {

    /** A record whose fields are already known, e.g. built by a test or a replay. */
    public static SourceRecord of(String source, long line, String raw, Map<String, Object> fields) {
        ParsedRecord parsed = ParsedRecord.of(fields);
        return new SourceRecord(source, line, raw, text -> parsed, null);
    }

    /**
     * The record's fields.
     *
     * @throws MalformedRecordException when the raw text cannot be parsed
     */
    public ParsedRecord parse() {
        return format.parse(raw);
    }

    /** The record's fields by name, in source order. @throws MalformedRecordException when the raw text cannot be parsed */
    public Map<String, Object> fields() {
        return parse().asMap();
    }
}
