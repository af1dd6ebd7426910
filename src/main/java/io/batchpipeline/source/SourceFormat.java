package io.batchpipeline.source;

import java.util.Locale;

/** The record formats a source can carry: CSV with a header line, or JSON lines. */
public enum SourceFormat {
    CSV, JSONL;

    /** The format named by a validated setting value ({@code csv}, {@code jsonl}). */
    public static SourceFormat of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
