package io.batchpipeline.batching;

import java.util.Locale;

/** How a batch's timeout is measured. */
public enum TimeoutMode {
    /** From the moment the batch opened: no record waits longer than the timeout. */
    MAX_AGE,
    /** From the last arrival, as Camel's stock completionTimeout does. */
    INACTIVITY;

    /** The mode named by a validated setting value ({@code max-age}, {@code inactivity}). */
    public static TimeoutMode of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
