package io.batchpipeline.delivery;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: the n-th retry waits a random time between half and all of
 * {@code min(initialDelay * 2^(n-1), maxDelay)}, so writers that failed together do not retry together.
 */
public record RetryPolicy(int maxAttempts, long initialDelayMillis, long maxDelayMillis) {

    public long delayBeforeRetry(int retry) {
        long delay = Math.min(maxDelayMillis, initialDelayMillis << Math.min(30, retry - 1));
        return delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
    }
}
