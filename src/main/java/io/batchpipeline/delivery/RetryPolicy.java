package io.batchpipeline.delivery;

import java.util.concurrent.ThreadLocalRandom;

import io.batchpipeline.common.Errors;
import org.slf4j.Logger;

/**
 * Exponential backoff with jitter: the n-th retry waits a random time between half and all of
 * {@code min(initialDelay * 2^(n-1), maxDelay)}, so writers that failed together do not retry together.
 */
public record RetryPolicy(int maxAttempts, long initialDelayMillis, long maxDelayMillis) {

    /** Database work that may fail transiently. */
    @FunctionalInterface
    public interface Attempt {
        void run() throws Exception;
    }

    public long delayBeforeRetry(int retry) {
        long delay = Math.min(maxDelayMillis, initialDelayMillis << Math.min(30, retry - 1));
        return delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
    }

    /**
     * Runs the work, retrying {@link FailureKind#TRANSIENT} failures after a backoff (the calling thread waits,
     * which is what holds the source back). Returns null once it succeeded, or the failure that ended the attempts.
     *
     * @param what names the work in the log, e.g. "write of 1000 rows to table orders"
     */
    public Exception run(String what, Logger log, Attempt work) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                work.run();
                if (attempt > 1) {
                    log.info("{} succeeded on attempt {}", what, attempt);
                }
                return null;
            } catch (Exception e) {
                if (e instanceof InterruptedException interrupted) {
                    throw interrupted;
                }
                if (FailureKind.of(e) != FailureKind.TRANSIENT || attempt >= maxAttempts) {
                    return e;
                }
                long delay = delayBeforeRetry(attempt);
                log.warn("{} failed (attempt {} of {}), retrying in {} ms: {}", what, attempt, maxAttempts, delay, Errors.describe(e));
                Thread.sleep(delay);
            }
        }
    }
}
