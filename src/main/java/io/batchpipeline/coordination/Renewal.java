package io.batchpipeline.coordination;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.batchpipeline.common.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renews a lease every third of its length on a thread of its own, so that neither a long recovery nor a full
 * hand-off delays it. A failure is logged once, with what it risks, and again once it renews.
 */
public final class Renewal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Renewal.class);

    /** One renewal; it may throw, for instance while the database is away. */
    public interface Task {
        void renew() throws Exception;
    }

    private final ScheduledExecutorService thread;
    private volatile boolean failing;

    /**
     * @param what  what is renewed, for the log ("the lease of host:/srv for pipeline orders")
     * @param risk  what happens unless it is renewed in time ("other instances take over its batches")
     */
    public Renewal(String what, String risk, long leaseMillis, Task task) {
        thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "batch-pipeline-renewal");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, leaseMillis / 3);
        thread.scheduleWithFixedDelay(() -> {
            try {
                task.renew();
                if (failing) {
                    LOG.info("Renewed {} again", what);
                    failing = false;
                }
            } catch (Exception e) {
                if (!failing) {
                    LOG.warn("Cannot renew {}; unless it is renewed within {} ms, {}: {}", what, leaseMillis, risk, Errors.describe(e));
                    failing = true;
                }
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
