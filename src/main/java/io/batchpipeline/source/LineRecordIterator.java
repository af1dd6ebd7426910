package io.batchpipeline.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.NoSuchElementException;

import io.batchpipeline.record.MessageFields;
import io.batchpipeline.record.RecordFormat;
import io.batchpipeline.record.RecordText;
import io.batchpipeline.record.SourceReceipt;
import io.batchpipeline.record.SourceRecord;

/**
 * Streams records out of a reader one at a time, so a file of any size is never held in memory.
 * Subclasses turn physical lines into records; this class owns line counting, look-ahead and closing.
 * A record whose bytes are not valid in the source's charset is still a record: it parses as malformed, with the
 * reason, so it is dead-lettered instead of loaded with replacement characters.
 */
abstract class LineRecordIterator implements RecordStream {

    protected final String source;
    protected final SourceReceipt receipt;
    private final LineReader reader;
    private final ArrayDeque<LineReader.Line> unread = new ArrayDeque<>();
    private long lineNumber;
    private SourceRecord next;
    private boolean done;
    private MessageFields fields = MessageFields.NONE;

    LineRecordIterator(String source, LineReader reader, SourceReceipt receipt) {
        this.source = source;
        this.reader = reader;
        this.receipt = receipt;
    }

    /** Reads the next physical line, or null at the end of input. */
    protected final LineReader.Line readLine() {
        if (!unread.isEmpty()) {
            lineNumber++;
            return unread.pollFirst();
        }
        try {
            LineReader.Line line = reader.next();
            if (line != null) {
                lineNumber++;
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + source + " after line " + lineNumber, e);
        }
    }

    /** Gives back lines read ahead, to be read again, in the same order. */
    protected final void unread(List<LineReader.Line> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            unread.addFirst(lines.get(i));
        }
        lineNumber -= lines.size();
    }

    /** Fields of the message being read that each record carries after its own; set before the first record is read. */
    void addFields(MessageFields fields) {
        this.fields = fields;
    }

    /** A record of this source: parsed by {@code format}, or malformed when its bytes were not valid in the charset. */
    protected final SourceRecord record(long line, RecordText raw, String invalid, RecordFormat format) {
        return new SourceRecord(source, line, raw, fields.addTo(invalid == null ? format : new UnreadableRecord(invalid)), receipt);
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
