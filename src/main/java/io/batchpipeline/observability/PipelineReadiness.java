package io.batchpipeline.observability;

import java.util.Map;
import java.util.function.Supplier;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of one pipeline: DOWN while its database cannot be reached or keeps failing (the reason is the last
 * failure), while its source says it cannot reach its broker, or while its durable buffer holds more batches than
 * {@code maxBufferedBatches}, a backlog that says the sink does not keep up. A load balancer or Kubernetes then sends
 * no new work (HTTP sources) and an operator looks.
 */
public final class PipelineReadiness extends AbstractHealthCheck {

    private final SinkHealth health;
    private final Supplier<String> sourceDown;
    private final BufferDepth buffer;
    private final long maxBufferedBatches;

    /**
     * @param sourceDown why the source cannot read now, or null while it can
     * @param maxBufferedBatches 0: no limit
     */
    public PipelineReadiness(String pipeline, SinkHealth health, Supplier<String> sourceDown, BufferDepth buffer, long maxBufferedBatches) {
        super("batch-pipeline", "pipeline-" + pipeline + "-ready");
        this.health = health;
        this.sourceDown = sourceDown;
        this.buffer = buffer;
        this.maxBufferedBatches = maxBufferedBatches;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String down = health.downReason();
        String source = sourceDown.get();
        BufferDepth.Depth depth = buffer.depth();
        builder.detail("buffered.batches", depth.batches());
        if (down != null) {
            builder.down().message(down).detail("down.since.seconds", (System.currentTimeMillis() - health.downSince()) / 1000);
        } else if (source != null) {
            builder.down().message("source: " + source);
        } else if (maxBufferedBatches > 0 && depth.batches() > maxBufferedBatches) {
            builder.down().message("the durable buffer holds " + depth.batches() + " batches, over "
                    + "observability.readiness.max-buffered-batches (" + maxBufferedBatches + "): the sink does not keep up");
        } else {
            builder.up();
        }
    }
}
