package io.batchpipeline.buffer;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.batchpipeline.common.Errors;
import io.batchpipeline.delivery.RetryPolicy;
import io.batchpipeline.jdbc.Transactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends a pipeline's chunks to the buffer on a thread of its own, as many as are waiting in one transaction (group
 * commit): a source of one record per message stores a thousand messages in one round trip instead of one each.
 * The reader does not wait; each chunk's {@link Pending#stored} completes at the commit, and what must wait for it
 * does (a message's acknowledgement, a file's move to done, the write of the batch). Chunks are stored in the order
 * they were appended.
 *
 * <p>Written by hand: Camel's aggregation repositories store one exchange per call, and the JDBC one a whole batch
 * each time it grows.
 */
final class ChunkAppender {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkAppender.class);
    /** Chunks in one transaction at most: bounds its size when a long queue forms during an outage. */
    private static final int MAX_GROUP = 2_000;
    private static final long FORGET_DELAY_MILLIS = 200;

    /** A chunk to store, and where it comes from. */
    record Pending(String batchId, int position, BufferTable.StoredChunk chunk, int records, String sourceKey, long lastLine,
            CompletableFuture<Void> stored) {
    }

    private static final Pending END = new Pending(null, 0, null, 0, null, 0, null);

    private final String name;
    private final String owner;
    private final DataSource dataSource;
    private final RetryPolicy retry;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    /** Sources done (a file moved, a message acknowledged) whose marks go with the next transaction. */
    private final ConcurrentLinkedQueue<String> forgotten = new ConcurrentLinkedQueue<>();
    /** Runs what waits for a commit (acknowledgements, the rest of their route) so that it never delays the next one. */
    private ExecutorService completer;
    private Thread thread;

    ChunkAppender(String name, String owner, DataSource dataSource, RetryPolicy retry) {
        this.name = name;
        this.owner = owner;
        this.dataSource = dataSource;
        this.retry = retry;
    }

    synchronized void start() {
        completer = Executors.newSingleThreadExecutor(runnable -> {
            Thread completing = new Thread(runnable, name + "-buffer-stored");
            completing.setDaemon(true);
            return completing;
        });
        thread = new Thread(this::run, name + "-buffer-appender");
        thread.setDaemon(true);
        thread.start();
    }

    void append(Pending pending) {
        queue.add(pending);
    }

    void forget(String sourceKey) {
        forgotten.add(sourceKey);
    }

    /** Stores what is queued, then ends; a forced stop (interrupt) fails what is left, which is read again. */
    synchronized void stop(long timeoutMillis) throws InterruptedException {
        if (thread == null) {
            return;
        }
        queue.add(END);
        thread.join(timeoutMillis);
        if (thread.isAlive()) {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
        thread = null;
        completer.shutdown(); // after what is queued on it
        completer.awaitTermination(5, TimeUnit.SECONDS);
    }

    private void run() {
        List<Pending> group = new ArrayList<>();
        boolean ending = false;
        while (!ending) {
            group.clear();
            try {
                Pending next = queue.poll(FORGET_DELAY_MILLIS, TimeUnit.MILLISECONDS); // marks to forget wait at most this
                if (next != null) {
                    group.add(next);
                }
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(group, MAX_GROUP - 1);
            ending = group.remove(END);
            try {
                if ((!group.isEmpty() || !forgotten.isEmpty()) && !store(List.copyOf(group))) {
                    break;
                }
            } catch (RuntimeException | Error e) { // the thread must outlive any failure: its sources wait on it
                LOG.error("Durable buffer {}: appending {} chunks failed unexpectedly: {}; their sources fail and are read again",
                        name, group.size(), Errors.describe(e), e);
                group.forEach(p -> p.stored().completeExceptionally(e));
            }
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        left.remove(END);
        left.forEach(p -> p.stored().completeExceptionally(new IllegalStateException("the pipeline stopped before these records were stored")));
    }

    /** Stores the group, retried while the database is away; a chunk the database refuses fails alone. False when interrupted. */
    private boolean store(List<Pending> group) {
        List<String> forgets = new ArrayList<>();
        for (String key; forgets.size() < MAX_GROUP && (key = forgotten.poll()) != null; ) {
            forgets.add(key);
        }
        return store(group, forgets);
    }

    private boolean store(List<Pending> group, List<String> forgets) {
        try {
            int[] attempts = {0};
            Exception failure = retry.run("Append of " + group.size() + " chunks to the durable buffer", LOG,
                    () -> insert(group, forgets, attempts[0]++ > 0));
            if (failure == null) {
                completer.execute(() -> group.forEach(p -> p.stored().complete(null)));
            } else if (group.size() <= 1) {
                if (group.isEmpty()) { // forgetting only; a mark left behind is harmless
                    LOG.warn("Durable buffer {}: cannot forget how far {} sources were stored: {}", name, forgets.size(), Errors.describe(failure));
                    return true;
                }
                Pending pending = group.get(0);
                pending.stored().completeExceptionally(new IllegalStateException("cannot append " + pending.records() + " records from "
                        + pending.chunk().source() + " to the durable buffer: " + Errors.describe(failure) + "; they are not taken", failure));
            } else { // one chunk spoils the transaction: each alone, so only that one fails
                for (int i = 0; i < group.size(); i++) {
                    if (!store(List.of(group.get(i)), i == 0 ? forgets : List.of())) {
                        return false;
                    }
                }
            }
            return true;
        } catch (InterruptedException e) {
            group.forEach(p -> p.stored().completeExceptionally(e));
            return false;
        }
    }

    private void insert(List<Pending> group, List<String> forgets, boolean retried) throws SQLException {
        try {
            insertOnce(group, forgets, retried);
        } catch (AssertionError e) {
            // pgjdbc's executeBatch asserts instead of throwing when the connection breaks mid-batch: an outage, retried
            throw new SQLException("the connection broke during the append: " + e.getMessage(), "08006", e);
        }
    }

    private void insertOnce(List<Pending> group, List<String> forgets, boolean retried) throws SQLException {
        Transactions.inTransaction(dataSource, connection -> {
            BufferTable.forgetSources(connection, name, forgets);
            List<Pending> missing = retried ? missing(connection, group) : group;
            BufferTable.insert(connection, name, owner, missing);
            Map<String, Pending> lastOfSource = new LinkedHashMap<>();
            for (Pending pending : missing) {
                if (pending.sourceKey() != null) {
                    lastOfSource.put(pending.sourceKey(), pending);
                }
            }
            for (Pending pending : lastOfSource.values()) {
                BufferTable.storeThrough(connection, name, pending.sourceKey(), pending.chunk().source(), pending.lastLine());
            }
            return null;
        });
    }

    /** After a failed attempt, the chunks it did not store after all (its commit may have gone through, unacknowledged). */
    private List<Pending> missing(Connection connection, List<Pending> group) throws SQLException {
        List<Pending> missing = new ArrayList<>(group.size());
        for (Pending pending : group) {
            if (!BufferTable.holds(connection, name, pending.batchId(), pending.position())) {
                missing.add(pending);
            }
        }
        return missing;
    }
}
