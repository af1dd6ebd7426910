package io.batchpipeline.observability;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How late timeout batches closed after their deadline, in whole milliseconds: one counter per millisecond
 * up to 10 s, so memory stays fixed however long the pipeline runs.
 */
public final class LatenessHistogram {

    private static final int MAX_MILLIS = 10_000;
    private final AtomicLongArray counts = new AtomicLongArray(MAX_MILLIS + 1);

    public void record(long millis) {
        counts.incrementAndGet((int) Math.max(0, Math.min(MAX_MILLIS, millis)));
    }

    public long count() {
        long n = 0;
        for (int i = 0; i < counts.length(); i++) {
            n += counts.get(i);
        }
        return n;
    }

    /** The smallest lateness (ms) that at least {@code fraction} of the batches did not exceed; -1 when empty. */
    public long percentile(double fraction) {
        long total = count();
        if (total == 0) {
            return -1;
        }
        long wanted = (long) Math.ceil(fraction * total);
        long seen = 0;
        for (int i = 0; i < counts.length(); i++) {
            seen += counts.get(i);
            if (seen >= Math.max(1, wanted)) {
                return i;
            }
        }
        return MAX_MILLIS;
    }
}
