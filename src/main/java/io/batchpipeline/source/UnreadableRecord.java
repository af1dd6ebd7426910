package io.batchpipeline.source;

import io.batchpipeline.record.MalformedRecordException;
import io.batchpipeline.record.ParsedRecord;
import io.batchpipeline.record.RecordFormat;

/** The format of a record whose bytes could not be decoded: it parses as malformed, with the reason. */
record UnreadableRecord(String reason) implements RecordFormat {

    static final String SPEC_PREFIX = "unreadable:";

    @Override
    public ParsedRecord parse(String raw) {
        throw new MalformedRecordException(reason);
    }

    @Override
    public String spec() {
        return SPEC_PREFIX + reason;
    }
}
