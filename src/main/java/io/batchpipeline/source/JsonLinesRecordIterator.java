package io.batchpipeline.source;

import java.io.BufferedReader;

import io.batchpipeline.record.RecordFormat;
import io.batchpipeline.record.SourceReceipt;
import io.batchpipeline.record.SourceRecord;

/** JSON lines: one JSON object per line; blank lines are skipped. */
final class JsonLinesRecordIterator extends LineRecordIterator {

    private final RecordFormat format;

    JsonLinesRecordIterator(String source, BufferedReader reader, SourceReceipt receipt, RecordFormat format) {
        super(source, reader, receipt);
        this.format = format;
    }

    @Override
    protected SourceRecord readRecord() {
        String line;
        do {
            line = readLine();
        } while (line != null && line.isBlank());
        return line == null ? null : new SourceRecord(source, lineNumber(), line, format, receipt);
    }
}
