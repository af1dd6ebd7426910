package io.batchpipeline.observability;

import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one pipeline's database work (writes, and appends to its durable buffer) is going through: whether it is
 * failing now and why, its failures by kind, and how long the oldest attempt in progress has been running.
 * Readiness and liveness read it; the retry loop writes it. Thread-safe.
 */
public final class SinkHealth {

    private volatile String downReason;
    private volatile String probeFailure;
    private volatile long downSince;
    private volatile long lastSuccess;
    private final LongAdder failuresWhileDown = new LongAdder();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final Map<Thread, Long> attempts = new ConcurrentHashMap<>();

    /** How long the target was down, and how many attempts failed meanwhile. */
    public record Outage(long millis, long failures) {
    }

    /** An attempt starts on this thread. */
    public void attemptStarted() {
        attempts.put(Thread.currentThread(), System.currentTimeMillis());
    }

    /** The attempt on this thread ended, however it ended. */
    public void attemptEnded() {
        attempts.remove(Thread.currentThread());
    }

    /**
     * An attempt failed and is retried.
     *
     * @param down the target counts as down from now: it cannot be reached, or it has failed as often as the
     *             retry policy allows before it says so
     * @return whether this failure took the target down: true for one caller only, however many fail together
     */
    public synchronized boolean failed(String what, Throwable error, String description, boolean down) {
        failures.computeIfAbsent(kind(error), k -> new LongAdder()).increment();
        boolean wasDown = downReason != null;
        if (wasDown || down) {
            failuresWhileDown.increment();
        }
        if (down) {
            if (!wasDown) {
                downSince = System.currentTimeMillis();
            }
            downReason = what + " fails: " + description;
        }
        return down && !wasDown;
    }

    /**
     * An attempt succeeded: the target is up.
     *
     * @return the outage this success ended, for one caller only; null if the target was not down
     */
    public synchronized Outage succeeded() {
        Outage ended = downReason == null ? null : new Outage(System.currentTimeMillis() - downSince, failuresWhileDown.sumThenReset());
        downReason = null;
        probeFailure = null;
        lastSuccess = System.currentTimeMillis();
        return ended;
    }

    /** Whether nothing has been attempted for {@code millis}: a probe then says more than the last attempt. */
    public boolean idleFor(long millis) {
        return attempts.isEmpty() && System.currentTimeMillis() - lastSuccess >= millis;
    }

    /** A check made while nothing is written, e.g. whether a connection can be had, failed; null: it passed. */
    public void probed(String failure) {
        if (failure != null && downReason == null && probeFailure == null) {
            downSince = System.currentTimeMillis();
        }
        probeFailure = failure;
    }

    /** Why the target counts as down (a failing write, else a failing probe), or null while it is up. */
    public String downReason() {
        String reason = downReason;
        return reason != null ? reason : probeFailure;
    }

    /** Since when (wall-clock ms) it counts as down; meaningful only while it is. */
    public long downSince() {
        return downSince;
    }

    /** Milliseconds the oldest attempt now in progress has been running, or 0. */
    public long oldestAttemptMillis() {
        long now = System.currentTimeMillis();
        return attempts.values().stream().mapToLong(start -> now - start).max().orElse(0);
    }

    /** Failed attempts by kind: the SQLSTATE class ("08": connection, "40": transaction rollback...), or "none". */
    public Map<String, LongAdder> failures() {
        return failures;
    }

    private static String kind(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                SQLException cause = sql.getNextException() != null ? sql.getNextException() : sql;
                String state = cause.getSQLState();
                if (state != null && state.length() >= 2) {
                    return state.substring(0, 2);
                }
            }
        }
        return "none"; // no SQLSTATE: an I/O error, a pool timeout, a file sink's failure
    }
}
