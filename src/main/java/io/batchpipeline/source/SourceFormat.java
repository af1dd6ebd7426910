package io.batchpipeline.source;

import java.util.Locale;

/** The record formats a source can carry. */
public enum SourceFormat {
    CSV, JSONL;

    public static SourceFormat of(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown source format '" + value + "': use csv or jsonl");
        }
    }
}
