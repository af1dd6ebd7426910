package io.batchpipeline.source;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;

import io.batchpipeline.record.SourceReceipt;
import io.batchpipeline.record.SourceRecord;

/**
 * Streams records out of a reader one at a time, so a file of any size is never held in memory.
 * Subclasses turn physical lines into records; this class owns line counting, look-ahead and closing.
 */
abstract class LineRecordIterator implements Iterator<SourceRecord>, Closeable {

    protected final String source;
    protected final SourceReceipt receipt;
    private final BufferedReader reader;
    private long lineNumber;
    private SourceRecord next;
    private boolean done;

    LineRecordIterator(String source, BufferedReader reader, SourceReceipt receipt) {
        this.source = source;
        this.reader = reader;
        this.receipt = receipt;
    }

    /** Reads the next physical line, or null at the end of input. */
    protected final String readLine() {
        try {
            String line = reader.readLine();
            if (line != null) {
                lineNumber++;
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + source + " after line " + lineNumber, e);
        }
    }

    /** Number of the last line returned by {@link #readLine()}, starting at 1. */
    protected final long lineNumber() {
        return lineNumber;
    }

    /** Produces the next record, or null when the input is exhausted. */
    protected abstract SourceRecord readRecord();

    @Override
    public boolean hasNext() {
        if (next == null && !done) {
            next = readRecord();
            done = next == null;
            if (done) {
                close();
            }
        }
        return next != null;
    }

    @Override
    public SourceRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        SourceRecord record = next;
        next = null;
        return record;
    }

    /** Skips every record that starts on or before {@code line}: they were read, and stored, by an earlier run. */
    void skipThrough(long line) {
        while (hasNext() && next.line() <= line) {
            next = null;
        }
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
