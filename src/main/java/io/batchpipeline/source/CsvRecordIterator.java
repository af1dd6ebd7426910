package io.batchpipeline.source;

import java.util.ArrayList;
import java.util.List;

import io.batchpipeline.record.RecordFormat;
import io.batchpipeline.record.SourceReceipt;
import io.batchpipeline.record.SourceRecord;
import org.apache.commons.csv.CSVFormat;

/**
 * CSV with a header line. This class only decides where each record ends, so that a malformed record is
 * rejected on its own and the rest of the file still loads; Commons CSV parses the fields
 * ({@link CsvRecordFormat}). A record ends at a line break outside quotes: an even count of quote characters
 * so far, since RFC 4180 escapes a quote by doubling it. One streaming parser over the whole file could not
 * resume after an error.
 */
final class CsvRecordIterator extends LineRecordIterator {

    private final CSVFormat format;
    private final int maxLinesPerRecord;
    private final char quote;
    private RecordFormat recordFormat;

    CsvRecordIterator(String source, LineReader reader, SourceReceipt receipt, char delimiter, int maxLinesPerRecord) {
        super(source, reader, receipt);
        this.format = CsvRecordFormat.csv(delimiter);
        this.quote = format.getQuoteCharacter();
        this.maxLinesPerRecord = maxLinesPerRecord;
    }

    @Override
    protected SourceRecord readRecord() {
        if (recordFormat == null && !readHeader()) {
            return null;
        }
        LineReader.Line text;
        long firstLine;
        do {
            firstLine = lineNumber() + 1;
            text = readLogicalRecord();
        } while (text != null && text.text().isBlank());
        if (text == null) {
            return null;
        }
        return record(firstLine, text.text(), text.invalid(), recordFormat);
    }

    private boolean readHeader() {
        LineReader.Line text = readLogicalRecord();
        if (text == null) {
            return false;
        }
        recordFormat = CsvRecordFormat.withHeader(format, text.text());
        return true;
    }

    /**
     * Joins physical lines until quotes balance, each with its own line break, so a quoted field keeps its
     * {@code \r\n} or lone {@code \r}. A quote that does not close within maxLinesPerRecord lines, or before the
     * end, is a stray one: only the line that opened it is the (malformed) record, and the lines after it are read
     * again as records of their own. The result's line break is not part of the record.
     */
    private LineReader.Line readLogicalRecord() {
        LineReader.Line line = readLine();
        if (line == null) {
            return null;
        }
        List<LineReader.Line> more = null;
        int quotes = countQuotes(line.text());
        while (quotes % 2 != 0 && (more == null ? 1 : more.size() + 1) < maxLinesPerRecord) {
            LineReader.Line next = readLine();
            if (next == null) {
                break;
            }
            if (more == null) {
                more = new ArrayList<>();
            }
            more.add(next);
            quotes += countQuotes(next.text());
        }
        if (more == null) {
            return line;
        }
        if (quotes % 2 != 0) {
            unread(more);
            return line;
        }
        StringBuilder text = new StringBuilder(line.text());
        String invalid = line.invalid();
        String lineBreak = line.lineBreak();
        for (LineReader.Line next : more) {
            text.append(lineBreak).append(next.text());
            lineBreak = next.lineBreak();
            invalid = invalid != null ? invalid : next.invalid();
        }
        return new LineReader.Line(text.toString(), lineBreak, invalid);
    }

    private int countQuotes(String line) {
        int n = 0;
        for (int i = line.indexOf(quote); i >= 0; i = line.indexOf(quote, i + 1)) {
            n++;
        }
        return n;
    }

}
