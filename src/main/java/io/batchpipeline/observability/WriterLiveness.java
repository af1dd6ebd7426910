package io.batchpipeline.observability;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Liveness of one pipeline: DOWN when one attempt at its database (a write, or an append to its buffer) has been
 * running longer than {@code maxWriteMillis}: a call that hangs, which no retry can end. A restart can. Retrying a
 * database that is away is not that: each attempt ends, and readiness says it.
 */
public final class WriterLiveness extends AbstractHealthCheck {

    private final SinkHealth health;
    private final long maxWriteMillis;

    public WriterLiveness(String pipeline, SinkHealth health, long maxWriteMillis) {
        super("batch-pipeline", "pipeline-" + pipeline + "-writers");
        this.health = health;
        this.maxWriteMillis = maxWriteMillis;
    }

    @Override
    public boolean isReadiness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        long oldest = health.oldestAttemptMillis();
        builder.detail("oldest.attempt.seconds", oldest / 1000);
        if (oldest > maxWriteMillis) {
            builder.down().message("a write has been running for " + oldest / 1000 + " s, longer than "
                    + "observability.liveness.max-write-time (" + maxWriteMillis + " ms): it hangs");
        } else {
            builder.up();
        }
    }
}
