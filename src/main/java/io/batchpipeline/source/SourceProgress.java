package io.batchpipeline.source;

import org.apache.camel.Exchange;

/**
 * How far each source being read has been stored durably, so that a file read again after a crash, or a message
 * delivered again, resumes after its stored records instead of storing them twice. Files, and messages whose
 * publisher gave them an id; for other messages nothing is known.
 */
public interface SourceProgress {

    /** Nothing is stored before it is written: every source is read from its start. */
    SourceProgress NONE = new SourceProgress() {
        @Override
        public long storedThrough(Exchange sourceExchange) {
            return 0;
        }

        @Override
        public Runnable forget(Exchange sourceExchange) {
            return () -> { };
        }
    };

    /** The last line of this source exchange's file or message that was stored before, or 0. */
    long storedThrough(Exchange sourceExchange);

    /**
     * What forgets how far the source exchange was stored, to run once it is done (the file moved to .done, the
     * message acknowledged); made now, from the exchange, which Camel may reuse for another message by then.
     */
    Runnable forget(Exchange sourceExchange);
}
