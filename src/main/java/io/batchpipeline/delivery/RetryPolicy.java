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
     * waits, which is what holds the source back. The log says each of the first {@code maxAttempts} failures,
     * then once that the target is down, and once that it is back.
     *
     * @param what names the work in the log, e.g. "write of 1000 rows to table orders"
     * @return null once it succeeded, or the data error
     * @throws InterruptedException when a stop interrupts the wait
     */
    public Exception run(String what, Logger log, Attempt work) throws InterruptedException {
        long firstFailure = 0;
        String lastFailure = null;
        for (int attempt = 1; ; attempt++) {
            try {
                health.attemptStarted();
                try {
                    work.run();
                } finally {
                    health.attemptEnded();
                }
                health.succeeded();
                if (attempt > maxAttempts) {
                    log.info("{} succeeded on attempt {}, after {} s of failures", what, attempt, (System.currentTimeMillis() - firstFailure) / 1000);
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
                firstFailure = attempt == 1 ? System.currentTimeMillis() : firstFailure;
                long delay = delayBeforeRetry(attempt);
                String failure = Errors.describe(e);
                health.failed(what, e, failure, kind == FailureKind.TRANSIENT || attempt >= maxAttempts);
                if (attempt < maxAttempts) {
                    log.warn("{} failed (attempt {} of {}), retrying in {} ms: {}", what, attempt, maxAttempts, delay, failure);
                } else if (attempt == maxAttempts) {
                    log.error("{} failed {} times: {}. The target is down or refuses the work; it is retried every {} ms or less "
                            + "until it succeeds, and the source waits. Nothing goes to the dead-letter endpoint for this.",
                            what, attempt, failure, maxDelayMillis);
                } else if (!failure.equals(lastFailure)) { // a new state: say it once, not at every retry
                    log.warn("{} still fails, now with: {} (attempt {})", what, failure, attempt);
                }
                lastFailure = failure;
                Thread.sleep(delay);
            }
        }
    }
}
