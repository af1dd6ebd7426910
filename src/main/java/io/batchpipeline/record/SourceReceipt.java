package io.batchpipeline.record;

import java.util.List;
import java.util.function.ObjIntConsumer;

/**
 * Tracks the records of one source exchange (a file, a bus message) until every one of them is written or
 * dead-lettered. The source exchange completes only then, so a file moves to {@code .done}, or a message is
 * acknowledged, once its records are durable: after a crash it is read again rather than lost.
 */
public final class SourceReceipt {

    /** The exchange property that carries a source exchange's receipt from the reader to the last step. */
    public static final String PROPERTY = "batchPipelineReceipt";

    private long outstanding;
    private long records;
    private long rejected;
    private boolean sealed;
    private Runnable whenSettled;
    private Exception failure;
    private final StoredChunks stored = new StoredChunks();

    /**
     * Calls {@code action} with each run of consecutive records of one source and the run's length; records without a
     * receipt are skipped. Records come in such runs (a chunk holds one file's or several messages' records in turn).
     */
    public static void eachRun(List<SourceRecord> records, ObjIntConsumer<SourceReceipt> action) {
        SourceReceipt receipt = null;
        int run = 0;
        for (SourceRecord record : records) {
            if (record.receipt() != receipt) {
                if (receipt != null) {
                    action.accept(receipt, run);
                }
                receipt = record.receipt();
                run = 0;
            }
            run++;
        }
        if (receipt != null && run > 0) {
            action.accept(receipt, run);
        }
    }

    /** More records of this source entered the pipeline. */
    public synchronized void add(int records) {
        outstanding += records;
        this.records += records;
    }

    /** One of this source's records went to the dead-letter endpoint (it is settled as well). */
    public synchronized void rejected() {
        rejected++;
    }

    /** Records of this source so far. */
    public synchronized long records() {
        return records;
    }

    /** Of those, records sent to the dead-letter endpoint. */
    public synchronized long rejectedRecords() {
        return rejected;
    }

    /** Records of this source were written, or sent to the dead-letter endpoint. */
    public void settled(int records) {
        Runnable callback = null;
        synchronized (this) {
            outstanding -= records;
            if (sealed && outstanding == 0 && whenSettled != null) {
                callback = whenSettled;
                whenSettled = null;
            }
        }
        if (callback != null) {
            callback.run();
        }
    }

    /** Records of this source could be neither written nor dead-lettered. */
    public synchronized void failed(Exception error) {
        if (failure == null) {
            failure = error;
        }
    }

    public synchronized Exception failure() {
        return failure;
    }

    /** This source's chunks that the durable buffer stores. */
    public StoredChunks stored() {
        return stored;
    }

    /**
     * The source has no more records. Returns true if all are already settled; otherwise {@code whenSettled}
     * runs, on the writer thread, once they are.
     */
    public synchronized boolean seal(Runnable whenSettled) {
        sealed = true;
        if (outstanding == 0) {
            return true;
        }
        this.whenSettled = whenSettled;
        return false;
    }
}
