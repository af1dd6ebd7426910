package io.batchpipeline.batching;

import java.util.Locale;

/** Why a batch was closed; RECOVERED: read back from the durable buffer after an earlier run or a failed write. */
public enum FlushReason {
    SIZE, TIMEOUT, STOP, RECOVERED;

    /** Why the batch closed, from the aggregator's {@code CamelAggregatedCompletedBy} value. */
    public static FlushReason of(Batch batch, String completedBy) {
        return batch.recovered() ? RECOVERED : fromCompletedBy(completedBy);
    }

    /** Maps the aggregator's {@code CamelAggregatedCompletedBy} value. */
    private static FlushReason fromCompletedBy(String completedBy) {
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
