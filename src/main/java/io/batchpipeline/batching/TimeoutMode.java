package io.batchpipeline.batching;

import java.util.Locale;

/** How {@code batch.timeout} is measured. */
public enum TimeoutMode {
    /** From the moment the batch opened: no record waits longer than the timeout. */
    MAX_AGE,
    /** From the last arrival, as Camel's stock completionTimeout does. */
    INACTIVITY;

    public static TimeoutMode of(String value) {
        if (value == null) {
            return MAX_AGE;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown timeout mode '" + value + "': use max-age or inactivity");
        }
    }
}
