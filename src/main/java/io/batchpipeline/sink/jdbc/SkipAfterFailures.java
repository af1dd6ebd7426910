package io.batchpipeline.sink.jdbc;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * When an attempt that may fail is worth making, across the writers: after a failure the next attempt is skipped,
 * after another the next two, and so on, doubling up to a limit; the first success starts over. For attempts whose
 * failure costs more than skipping them, on streams where failures come in runs.
 */
final class SkipAfterFailures {

    private final int maxSkipped;
    private final AtomicInteger skipLeft = new AtomicInteger();
    private final AtomicInteger nextSkip = new AtomicInteger(1);

    SkipAfterFailures(int maxSkipped) {
        this.maxSkipped = maxSkipped;
    }

    /** Whether to make this attempt; false counts it as skipped. */
    boolean attempt() {
        return !(skipLeft.get() > 0 && skipLeft.getAndDecrement() > 0);
    }

    void succeeded() {
        nextSkip.set(1);
    }

    /** @return how many attempts are skipped now */
    int failed() {
        int skip = nextSkip.getAndUpdate(n -> Math.min(n * 2, maxSkipped));
        skipLeft.set(skip);
        return skip;
    }
}
