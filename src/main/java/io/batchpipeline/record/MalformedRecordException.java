package io.batchpipeline.record;

/** The raw text of a record cannot be parsed; the message says why, for the dead-letter entry. */
public class MalformedRecordException extends IllegalArgumentException {

    public MalformedRecordException(String message) {
        super(message);
    }
}
