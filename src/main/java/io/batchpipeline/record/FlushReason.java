package io.batchpipeline.record;

import java.util.Locale;

import org.apache.camel.processor.aggregate.AggregateProcessor;

/** Why a batch was closed; RECOVERED: read back from the durable buffer after an earlier run or a failed write. */
public enum FlushReason {
    SIZE, TIMEOUT, STOP, RECOVERED;

    /** Why the batch closed, from the aggregator's {@code CamelAggregatedCompletedBy} value. */
    public static FlushReason of(boolean recovered, String completedBy) {
        if (recovered) {
            return RECOVERED;
        }
        if (completedBy == null) {
            return STOP;
        }
        return switch (completedBy) {
            // the route completes on a predicate that counts records
            case AggregateProcessor.COMPLETED_BY_SIZE, AggregateProcessor.COMPLETED_BY_PREDICATE -> SIZE;
            case AggregateProcessor.COMPLETED_BY_TIMEOUT -> TIMEOUT;
            case AggregateProcessor.COMPLETED_BY_FORCE -> STOP;
            default -> throw new IllegalStateException("unexpected batch completion: " + completedBy);
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
