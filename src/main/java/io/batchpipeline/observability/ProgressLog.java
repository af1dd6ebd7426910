package io.batchpipeline.observability;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per pipeline every interval while records move: rate, totals, open batch, writers, backpressure,
 * buffer, and the sink's state when it is down. Nothing while a pipeline is idle, so a quiet daemon logs nothing.
 */
public final class ProgressLog implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressLog.class);

    private record Watched(PipelineStats stats, SinkHealth health, PipelineMetrics.Gauges gauges) {
    }

    private record Totals(long read, long written, long rejected, long nanos) {
    }

    private final Map<String, Watched> pipelines = new ConcurrentHashMap<>();
    private final Map<String, Totals> last = new ConcurrentHashMap<>();
    private final AtomicLong looks = new AtomicLong();

    public void watch(PipelineStats stats, SinkHealth health, PipelineMetrics.Gauges gauges) {
        pipelines.put(stats.pipeline(), new Watched(stats, health, gauges));
    }

    @Override
    public void run() {
        for (Watched pipeline : pipelines.values()) {
            try {
                report(pipeline);
            } catch (RuntimeException e) { // a scheduled task that throws is never run again
                LOG.debug("progress of pipeline {}: {}", pipeline.stats().pipeline(), e.toString());
            }
        }
        looks.incrementAndGet();
    }

    /** How many times it has looked at the pipelines. */
    public long looks() {
        return looks.get();
    }

    private void report(Watched pipeline) {
        PipelineStats stats = pipeline.stats();
        Totals now = new Totals(stats.recordsRead(), stats.rowsWritten(), stats.recordsRejected() + stats.rowsFailed(), System.nanoTime());
        Totals before = last.put(stats.pipeline(), now);
        if (before == null || (now.read() == before.read() && now.written() == before.written() && now.rejected() == before.rejected())) {
            return; // first look, or idle
        }
        double seconds = (now.nanos() - before.nanos()) / 1e9;
        PipelineMetrics.Gauges gauges = pipeline.gauges();
        BufferDepth.Depth buffer = gauges.buffer().depth();
        String down = pipeline.health().downReason();
        LOG.info("pipeline {}: {} records/s written; {} read, {} written, {} rejected; open batch {}, writers busy {}/{}, "
                        + "source waited {} s in all{}{}",
                stats.pipeline(), Math.round((now.written() - before.written()) / seconds), now.read(), now.written(), now.rejected(),
                gauges.openBatchRecords().getAsInt(), gauges.writersBusy().getAsInt(), gauges.writers(),
                gauges.sourceWaitNanos().getAsLong() / 1_000_000_000L,
                buffer.batches() > 0 ? ", buffer " + buffer.batches() + " batches" : "",
                down != null ? "; SINK DOWN: " + down : "");
    }
}
