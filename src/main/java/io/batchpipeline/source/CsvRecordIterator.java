package io.batchpipeline.source;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * CSV with a header line. Commons CSV parses every field; this class only decides where one record ends,
 * so that a malformed record is rejected on its own and the rest of the file still loads. A record ends at
 * a line break outside quotes (an even count of quote characters so far, as RFC 4180 escapes a quote by
 * doubling it); one streaming parser over the whole file could not resume after an error.
 */
final class CsvRecordIterator extends LineRecordIterator {

    private final CSVFormat format;
    private final int maxLinesPerRecord;
    private final char quote;
    private List<String> header;

    CsvRecordIterator(String source, BufferedReader reader, char delimiter, int maxLinesPerRecord) {
        super(source, reader);
        this.format = CSVFormat.RFC4180.builder().setDelimiter(delimiter).get();
        this.quote = format.getQuoteCharacter();
        this.maxLinesPerRecord = maxLinesPerRecord;
    }

    @Override
    protected SourceRecord readRecord() {
        if (header == null && !readHeader()) {
            return null;
        }
        String text;
        do {
            text = readLogicalRecord();
        } while (text != null && text.isBlank());
        if (text == null) {
            return null;
        }
        long firstLine = lineNumber() - lineCount(text) + 1;
        List<String> values;
        try {
            values = parse(text);
        } catch (RuntimeException e) {
            return SourceRecord.malformed(source, firstLine, text, "malformed CSV: " + rootMessage(e));
        }
        if (values.size() != header.size()) {
            return SourceRecord.malformed(source, firstLine, text,
                    "expected " + header.size() + " fields as in the header, found " + values.size());
        }
        Map<String, Object> fields = new LinkedHashMap<>(header.size() * 2);
        for (int i = 0; i < header.size(); i++) {
            fields.put(header.get(i), values.get(i));
        }
        return SourceRecord.parsed(source, firstLine, fields, text);
    }

    private boolean readHeader() {
        String text = readLogicalRecord();
        if (text == null) {
            return false;
        }
        header = parse(text.startsWith("\uFEFF") ? text.substring(1) : text).stream().map(String::trim).toList();
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

    private List<String> parse(String text) {
        try (CSVParser parser = CSVParser.parse(text, format)) {
            List<CSVRecord> records = parser.getRecords();
            if (records.size() != 1) {
                throw new IllegalStateException("expected one record, found " + records.size());
            }
            return records.get(0).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int countQuotes(String line) {
        int n = 0;
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == quote) {
                n++;
            }
        }
        return n;
    }

    private static int lineCount(String text) {
        int n = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
