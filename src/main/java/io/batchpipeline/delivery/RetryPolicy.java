package io.batchpipeline.delivery;

import java.util.concurrent.ThreadLocalRandom;

import io.batchpipeline.common.Errors;
import io.batchpipeline.observability.SinkHealth;
import org.slf4j.Logger;

/**
 * Retries with exponential backoff and jitter: the n-th retry waits a random time between half and all of
 * {@code min(initialDelay * 2^(n-1), maxDelay)}, so writers that failed together do not retry together.
 * {@code maxAttempts} is how many failures are logged one by one before the target is reported down, once.
 * Every attempt and failure is also reported to {@code health}, which readiness and liveness read: the target
 * counts as down at once when it cannot be reached ({@link FailureKind#TRANSIENT}), and otherwise once it has
 * failed {@code maxAttempts} times.
 */
public record RetryPolicy(int maxAttempts, long initialDelayMillis, long maxDelayMillis, SinkHealth health) {

    /** A policy whose health nobody reads. */
    public RetryPolicy(int maxAttempts, long initialDelayMillis, long maxDelayMillis) {
        this(maxAttempts, initialDelayMillis, maxDelayMillis, new SinkHealth());
    }

    /** Database work that may fail. */
    @FunctionalInterface
    public interface Attempt {
        void run() throws Exception;
    }

    public long delayBeforeRetry(int retry) {
        long delay = Math.min(maxDelayMillis, initialDelayMillis << Math.min(30, retry - 1));
        return delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
    }

    /**
     * Runs the work until it succeeds or fails on its data ({@link FailureKind#DATA}). Every other failure is
     * the target's, not the records': it is retried after a backoff, however long that takes; the calling thread
     * waits, which is what holds the source back. The log follows the target's state, not each retry: a writer's
     * first failure (WARN), the target going down (ERROR, once for all the pipeline's writers), a new kind of
     * failure while down, and the target back (INFO, once, with how long and how many failed attempts); every other
     * retry is logged at DEBUG.
     *
     * @param what names the work in the log, e.g. "write of 1000 rows to table orders"
     * @return null once it succeeded, or the data error
     * @throws InterruptedException when a stop interrupts the wait
     */
    public Exception run(String what, Logger log, Attempt work) throws InterruptedException {
        String lastFailure = null;
        for (int attempt = 1; ; attempt++) {
            try {
                health.attemptStarted();
                try {
                    work.run();
                } finally {
                    health.attemptEnded();
                }
                SinkHealth.Outage outage = health.succeeded();
                if (outage != null) {
                    log.info("{} succeeded: the target is back after {} s down and {} failed attempts", what,
                            outage.millis() / 1000, outage.failures());
                } else if (attempt > 1) {
                    log.info("{} succeeded on attempt {}", what, attempt);
                }
                return null;
            } catch (Exception e) {
                if (e instanceof InterruptedException interrupted) {
                    throw interrupted;
                }
                FailureKind kind = FailureKind.of(e);
                if (kind == FailureKind.DATA) {
                    health.succeeded(); // the target answered: it is the records that are wrong
                    return e;
                }
                long delay = delayBeforeRetry(attempt);
                String failure = Errors.describe(e);
                boolean wentDown = health.failed(what, e, failure, kind == FailureKind.TRANSIENT || attempt >= maxAttempts);
                if (wentDown) {
                    log.error("{} failed: {}. The target is down or refuses the work: it is retried every {} ms or less until it "
                            + "succeeds, and the source waits; readiness is DOWN meanwhile. Nothing goes to the dead-letter "
                            + "endpoint for this.", what, failure, maxDelayMillis);
                } else if (attempt == 1) {
                    log.warn("{} failed, retrying in {} ms: {}", what, delay, failure);
                } else if (!failure.equals(lastFailure)) { // a new state: say it once, not at every retry
                    log.warn("{} still fails, now with: {} (attempt {})", what, failure, attempt);
                } else {
                    log.debug("{} failed again (attempt {}), retrying in {} ms", what, attempt, delay);
                }
                lastFailure = failure;
                Thread.sleep(delay);
            }
        }
    }
}
