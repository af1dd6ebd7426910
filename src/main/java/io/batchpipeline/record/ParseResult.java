package io.batchpipeline.record;

/** What parsing a record's raw text gives: its fields, or the reason it cannot be parsed. */
public sealed interface ParseResult permits ParsedRecord, ParseResult.Malformed {

    /** The raw text is not a valid record; {@code reason} is what the dead-letter entry says. */
    record Malformed(String reason) implements ParseResult {
    }
}
