package io.batchpipeline.source;

import java.io.Closeable;
import java.util.Iterator;
import java.util.NoSuchElementException;

import io.batchpipeline.record.SourceRecord;

/** The records of a file, a message, or a poll of messages, read one at a time; closing it releases what it reads. */
interface RecordStream extends Iterator<SourceRecord>, Closeable {

    @Override
    void close();

    /** A stream of one record: a message that could not be read at all. */
    static RecordStream of(SourceRecord record) {
        return new RecordStream() {
            private boolean taken;

            @Override
            public boolean hasNext() {
                return !taken;
            }

            @Override
            public SourceRecord next() {
                if (taken) {
                    throw new NoSuchElementException();
                }
                taken = true;
                return record;
            }

            @Override
            public void close() {
                taken = true;
            }
        };
    }
}
