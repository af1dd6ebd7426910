package io.batchpipeline.batching;

import java.util.Locale;

/** Why a batch was closed. */
public enum FlushReason {
    SIZE, TIMEOUT, STOP;

    /** Maps the aggregator's {@code CamelAggregatedCompletedBy} value. */
    public static FlushReason fromCompletedBy(String completedBy) {
        if (completedBy == null) {
            return STOP;
        }
        return switch (completedBy) {
            case "size", "predicate" -> SIZE; // the route completes on a predicate that counts records
            case "timeout" -> TIMEOUT;
            case "force" -> STOP;
            default -> throw new IllegalStateException("unexpected batch completion: " + completedBy);
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
