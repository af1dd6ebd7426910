package io.batchpipeline.source;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

import io.batchpipeline.record.SourceRecord;
import org.apache.camel.Exchange;

/**
 * The records of several messages, one message after another, so that chunks, and batches, span messages. Each
 * message is opened only when the one before is read to its end: a poll of 500 is never held as 500 open readers.
 */
final class RecordsOfMessages implements RecordStream {

    private final Iterator<Exchange> messages;
    private final Function<Exchange, RecordStream> open;
    private RecordStream current;

    RecordsOfMessages(List<Exchange> messages, Function<Exchange, RecordStream> open) {
        this.messages = messages.iterator();
        this.open = open;
    }

    @Override
    public boolean hasNext() {
        while (current == null || !current.hasNext()) {
            if (current != null) {
                current.close();
                current = null;
            }
            if (!messages.hasNext()) {
                return false;
            }
            current = open.apply(messages.next());
        }
        return true;
    }

    @Override
    public SourceRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return current.next();
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
        }
    }
}
