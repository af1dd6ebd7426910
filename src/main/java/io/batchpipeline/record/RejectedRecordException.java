package io.batchpipeline.record;

/** A record that cannot be parsed or converted. The route sends it to the dead-letter destination and goes on. */
public class RejectedRecordException extends Exception {

    private final transient SourceRecord record;

    public RejectedRecordException(SourceRecord record, String reason) {
        super(reason);
        this.record = record;
    }

    public SourceRecord record() {
        return record;
    }
}
