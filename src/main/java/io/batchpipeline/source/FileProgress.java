package io.batchpipeline.source;

import org.apache.camel.Exchange;

/**
 * How far each file being read has been stored durably, so that a file read again after a crash resumes after
 * its stored records instead of storing them twice. Files only: for a message, nothing is known.
 */
public interface FileProgress {

    /** Nothing is stored before it is written: every file is read from its start. */
    FileProgress NONE = new FileProgress() {
        @Override
        public long storedThrough(Exchange sourceExchange) {
            return 0;
        }

        @Override
        public void sourceDone(Exchange sourceExchange) {
        }
    };

    /** The last line of this source exchange's file that an earlier run stored, or 0. */
    long storedThrough(Exchange sourceExchange);

    /** The source exchange is done (the file moves to .done): forget how far it was stored. */
    void sourceDone(Exchange sourceExchange);
}
