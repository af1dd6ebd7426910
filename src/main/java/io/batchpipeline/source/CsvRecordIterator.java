package io.batchpipeline.source;

import java.io.BufferedReader;

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

    /** Joins physical lines until quotes balance; gives up after maxLinesPerRecord so one stray quote cannot swallow the file. */
    private String readLogicalRecord() {
        String line = readLine();
        if (line == null) {
            return null;
        }
        StringBuilder text = null;
        int quotes = countQuotes(line);
        int lines = 1;
        while (quotes % 2 != 0 && lines < maxLinesPerRecord) {
            String more = readLine();
            if (more == null) {
                break;
            }
            if (text == null) {
                text = new StringBuilder(line);
            }
            text.append('\n').append(more);
            quotes += countQuotes(more);
            lines++;
        }
        return text == null ? line : text.toString();
    }

    private int countQuotes(String line) {
        int n = 0;
        for (int i = line.indexOf(quote); i >= 0; i = line.indexOf(quote, i + 1)) {
            n++;
        }
        return n;
    }

}
