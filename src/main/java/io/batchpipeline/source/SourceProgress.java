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
        public void sourceDone(Exchange sourceExchange) {
        }
    };

    /** The last line of this source exchange's file or message that was stored before, or 0. */
    long storedThrough(Exchange sourceExchange);

    /** The source exchange is done (the file moves to .done, the message is acknowledged): forget how far it was stored. */
    void sourceDone(Exchange sourceExchange);
}
