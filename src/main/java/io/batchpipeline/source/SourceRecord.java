package io.batchpipeline.source;

import java.util.Map;

/**
 * One record read from a source: its fields by name, where it came from, and its raw text so that a
 * rejected record can be written to the dead-letter destination exactly as it was read.
 * A record that could not be parsed carries {@code parseError} and no fields.
 */
public record SourceRecord(String source, long line, Map<String, Object> fields, String raw, String parseError) {

    public static SourceRecord parsed(String source, long line, Map<String, Object> fields, String raw) {
        return new SourceRecord(source, line, fields, raw, null);
    }

    public static SourceRecord malformed(String source, long line, String raw, String error) {
        return new SourceRecord(source, line, Map.of(), raw, error);
    }

    public boolean isMalformed() {
        return parseError != null;
    }
}
