package io.batchpipeline.source;

import java.io.BufferedReader;
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

    CsvRecordIterator(String source, BufferedReader reader, SourceReceipt receipt, char delimiter, int maxLinesPerRecord) {
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
        String text;
        long firstLine;
        do {
            firstLine = lineNumber() + 1;
            text = readLogicalRecord();
        } while (text != null && text.isBlank());
        if (text == null) {
            return null;
        }
        return new SourceRecord(source, firstLine, text, recordFormat, receipt);
    }

    private boolean readHeader() {
        String text = readLogicalRecord();
        if (text == null) {
            return false;
        }
        recordFormat = CsvRecordFormat.withHeader(format, text);
        return true;
    }

    /**
     * Joins physical lines until quotes balance. A quote that does not close within maxLinesPerRecord lines, or
     * before the end, is a stray one: only the line that opened it is the (malformed) record, and the lines
     * after it are read again as records of their own.
     */
    private String readLogicalRecord() {
        String line = readLine();
        if (line == null) {
            return null;
        }
        List<String> more = null;
        int quotes = countQuotes(line);
        while (quotes % 2 != 0 && (more == null ? 1 : more.size() + 1) < maxLinesPerRecord) {
            String next = readLine();
            if (next == null) {
                break;
            }
            if (more == null) {
                more = new ArrayList<>();
            }
            more.add(next);
            quotes += countQuotes(next);
        }
        if (more == null) {
            return line;
        }
        if (quotes % 2 != 0) {
            unread(more);
            return line;
        }
        return line + "\n" + String.join("\n", more);
    }

    private int countQuotes(String line) {
        int n = 0;
        for (int i = line.indexOf(quote); i >= 0; i = line.indexOf(quote, i + 1)) {
            n++;
        }
        return n;
    }

}
