package io.batchpipeline.source;

import io.batchpipeline.record.RecordFormat;
import io.batchpipeline.record.SourceReceipt;
import io.batchpipeline.record.SourceRecord;

/** JSON lines: one JSON object per line; blank lines are skipped. */
final class JsonLinesRecordIterator extends LineRecordIterator {

    private final RecordFormat format;

    JsonLinesRecordIterator(String source, LineReader reader, SourceReceipt receipt, RecordFormat format) {
        super(source, reader, receipt);
        this.format = format;
    }

    @Override
    protected SourceRecord readRecord() {
        LineReader.Line line;
        do {
            line = readLine();
        } while (line != null && line.text().isBlank());
        return line == null ? null : record(lineNumber(), line.text(), line.invalid(), format);
    }
}
