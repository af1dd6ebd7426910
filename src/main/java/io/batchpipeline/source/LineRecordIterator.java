package io.batchpipeline.source;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import io.batchpipeline.record.SourceReceipt;
import io.batchpipeline.record.SourceRecord;

/**
 * Streams records out of a reader one at a time, so a file of any size is never held in memory.
 * Subclasses turn physical lines into records; this class owns line counting, look-ahead and closing.
 */
abstract class LineRecordIterator implements Iterator<SourceRecord>, Closeable {

    private static final String BYTE_ORDER_MARK = "\uFEFF";

    protected final String source;
    protected final SourceReceipt receipt;
    private final BufferedReader reader;
    private final ArrayDeque<String> unread = new ArrayDeque<>();
    private long lineNumber;
    private SourceRecord next;
    private boolean done;

    LineRecordIterator(String source, BufferedReader reader, SourceReceipt receipt) {
        this.source = source;
        this.reader = reader;
        this.receipt = receipt;
    }

    /** Reads the next physical line, or null at the end of input. A byte order mark before the first line is not part of it. */
    protected final String readLine() {
        if (!unread.isEmpty()) {
            lineNumber++;
            return unread.pollFirst();
        }
        try {
            String line = reader.readLine();
            if (line != null && ++lineNumber == 1 && line.startsWith(BYTE_ORDER_MARK)) {
                line = line.substring(1);
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + source + " after line " + lineNumber, e);
        }
    }

    /** Gives back lines read ahead, to be read again, in the same order. */
    protected final void unread(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            unread.addFirst(lines.get(i));
        }
        lineNumber -= lines.size();
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
