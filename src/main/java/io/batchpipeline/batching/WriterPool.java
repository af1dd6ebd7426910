package io.batchpipeline.batching;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.util.concurrent.CamelThreadFactory;

/**
 * The hand-off between the aggregator and the sink: {@code writers} threads and a queue of at most
 * {@code capacity} completed batches. When every writer is busy and the queue is full, the thread that
 * completed a batch (the source, or the aggregator's timeout checker) waits for room.
 *
 * <p>Hand-written because neither the JDK nor Camel offers a blocking policy: Camel's thread pool profiles
 * know only Abort and CallerRuns, and CallerRuns makes the source thread write batches itself, which is
 * how a stock aggregator route grows its stack and heap. Memory is therefore bounded by
 * {@code (writers + capacity + 2) * batch size} records: the batches being written, the queued ones, the one
 * whose submitter waits for room, and the open batch.
 *
 * <p>Threads are daemons: a graceful stop waits for every batch through the aggregator's
 * {@code forceCompletionOnStop}, and they must not keep the JVM alive after the context has stopped.
 */
public class WriterPool extends ThreadPoolExecutor {

    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicInteger maxBusy = new AtomicInteger();
    private final AtomicInteger waitingSubmitters = new AtomicInteger();
    /** Waits that ended, and when each wait now going on began; under one lock, so that their sum never goes back. */
    private long waitedNanos;
    private final Map<Thread, Long> waitingSince = new HashMap<>();

    public WriterPool(String name, int writers, int capacity) {
        super(writers, writers, 0L, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacity),
                new CamelThreadFactory("#name# #counter#", name, true));
        setRejectedExecutionHandler(new WaitForRoom());
    }

    @Override
    protected void beforeExecute(Thread thread, Runnable task) {
        maxBusy.accumulateAndGet(busy.incrementAndGet(), Math::max);
    }

    @Override
    protected void afterExecute(Runnable task, Throwable error) {
        busy.decrementAndGet();
    }

    /** Batches being written right now. */
    public int busyWriters() {
        return busy.get();
    }

    /** Batches handed over and not yet written: being written, queued, or waiting for room. */
    public int pendingBatches() {
        return busy.get() + getQueue().size() + waitingSubmitters.get();
    }

    /** The most batches ever written at the same time. */
    public int maxBusyWriters() {
        return maxBusy.get();
    }

    /** Threads currently blocked because the hand-off is full: the source is being held back. */
    public int waitingSubmitters() {
        return waitingSubmitters.get();
    }

    /** Nanoseconds threads have spent waiting for room in the hand-off, in all: how much the source was held back. */
    public synchronized long waitedForRoomNanos() {
        long now = System.nanoTime();
        return waitedNanos + waitingSince.values().stream().mapToLong(start -> now - start).sum();
    }

    private final class WaitForRoom implements RejectedExecutionHandler {
        @Override
        public void rejectedExecution(Runnable task, ThreadPoolExecutor executor) {
            if (executor.isShutdown()) {
                throw new RejectedExecutionException("writer pool is shut down; batch not accepted");
            }
            waitingSubmitters.incrementAndGet();
            synchronized (WriterPool.this) {
                waitingSince.put(Thread.currentThread(), System.nanoTime());
            }
            try {
                executor.getQueue().put(task);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RejectedExecutionException("interrupted while waiting for a free writer", e);
            } finally {
                synchronized (WriterPool.this) {
                    waitedNanos += System.nanoTime() - waitingSince.remove(Thread.currentThread());
                }
                waitingSubmitters.decrementAndGet();
            }
        }
    }
}
