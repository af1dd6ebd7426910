package io.batchpipeline.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.batchpipeline.record.CsvLayout;
import io.batchpipeline.record.MalformedRecordException;
import io.batchpipeline.record.ParseResult;
import io.batchpipeline.record.ParsedRecord;
import io.batchpipeline.record.RecordFormat;
import io.batchpipeline.record.SourceRecord;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * CSV records, parsed by Commons CSV against the header of the file they came from.
 *
 * <p>A batch is parsed with one parser over all its records that contain quotes, joined by line breaks:
 * creating a parser per record cost more than parsing the record. Records without quotes are split directly. The reader has already cut records at line breaks outside quotes,
 * so each one should come back as exactly one CSV record starting where it was placed; any record that does
 * not (Commons CSV reads it differently, or fails on it) is parsed again on its own, which gives its error.
 */
final class CsvRecordFormat implements RecordFormat {

    private final CSVFormat format;
    private final List<String> header;
    /** Why no record under this header can be read, or null. */
    private final String headerProblem;
    private final CsvLayout layout;

    CsvRecordFormat(CSVFormat format, List<String> header) {
        this.format = format;
        this.header = header;
        this.headerProblem = duplicateName(header);
        this.layout = headerProblem != null ? null : new CsvLayout(header, format.getDelimiterString().charAt(0), format.getQuoteCharacter());
    }

    /** Null when the header is unusable: its records are rejected, which only parsing does. */
    @Override
    public CsvLayout csvLayout() {
        return layout;
    }

    /**
     * A header that names a field twice (fields map to columns case-insensitively) would let one value silently
     * replace the other: every record under it is rejected instead, with this reason.
     */
    private static String duplicateName(List<String> header) {
        Set<String> seen = new HashSet<>();
        for (String name : header) {
            if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                return "the header names the field '" + name + "' twice, so its records cannot be read unambiguously";
            }
        }
        return null;
    }

    /** The format of records under the given header line, fields separated by {@code delimiter}. */
    static CsvRecordFormat withHeader(CSVFormat format, String headerLine) {
        return new CsvRecordFormat(format, values(format, headerLine).stream().map(String::trim).toList());
    }

    static CSVFormat csv(char delimiter) {
        return CSVFormat.RFC4180.builder().setDelimiter(delimiter).get();
    }

    /** "csv", the delimiter, then the header as a CSV line. */
    @Override
    public String spec() {
        return SPEC_PREFIX + format.getDelimiterString() + format.format(header.toArray());
    }

    static final String SPEC_PREFIX = "csv";

    /** Rebuilds a format from its {@link #spec()}. */
    static CsvRecordFormat ofSpec(String spec) {
        return withHeader(csv(spec.charAt(SPEC_PREFIX.length())), spec.substring(SPEC_PREFIX.length() + 1));
    }

    @Override
    public ParsedRecord parse(String raw) {
        if (headerProblem != null) {
            throw new MalformedRecordException(headerProblem);
        }
        return fields(values(format, raw));
    }

    @Override
    public void parseAll(List<SourceRecord> records, int from, int to, ParseResult[] results) {
        if (headerProblem != null) {
            Arrays.fill(results, from, to, new ParseResult.Malformed(headerProblem));
            return;
        }
        // records without a quote character are split directly; the rest go through Commons CSV
        int quoted = 0;
        for (int i = from; i < to; i++) {
            String raw = records.get(i).raw();
            if (raw.indexOf(format.getQuoteCharacter()) < 0) {
                results[i] = split(raw);
            } else {
                quoted++;
            }
        }
        if (quoted > 0) {
            parseQuoted(records, from, to, results);
        }
    }

    /**
     * A record with no quote character is, by RFC 4180, exactly its text cut at each delimiter: Commons CSV
     * would return the same fields (the format trims nothing and has no escape character), at several times
     * the cost.
     */
    private ParseResult split(String raw) {
        char delimiter = format.getDelimiterString().charAt(0);
        int fields = 1;
        for (int i = raw.indexOf(delimiter); i >= 0; i = raw.indexOf(delimiter, i + 1)) {
            fields++;
        }
        if (fields != header.size()) {
            return wrongFieldCount(fields);
        }
        Object[] values = new Object[fields];
        int start = 0;
        for (int field = 0; field < fields; field++) {
            int end = field == fields - 1 ? raw.length() : raw.indexOf(delimiter, start);
            values[field] = raw.substring(start, end);
            start = end + 1;
        }
        return new ParsedRecord(header, values);
    }

    /** Parses the records in [from, to) that have no result yet, with as few Commons CSV parsers as possible. */
    private void parseQuoted(List<SourceRecord> records, int from, int to, ParseResult[] results) {
        List<SourceRecord> quoted = new ArrayList<>();
        int[] positions = new int[to - from];
        for (int i = from; i < to; i++) {
            if (results[i] == null) {
                positions[quoted.size()] = i;
                quoted.add(records.get(i));
            }
        }
        ParseResult[] parsed = new ParseResult[quoted.size()];
        int next = 0;
        while (next < quoted.size()) {
            int alone = parseRun(quoted, next, quoted.size(), parsed);
            if (alone < quoted.size()) {
                RecordFormat.super.parseAll(quoted, alone, alone + 1, parsed);
            }
            next = alone + 1;
        }
        for (int k = 0; k < parsed.length; k++) {
            results[positions[k]] = parsed[k];
        }
    }

    /**
     * Parses records from {@code from} with one shared parser. A record's result is kept only once the next
     * record is seen to start where it was placed (or the text ends), which proves it was read as exactly one
     * record. Returns the index of the record to parse on its own, or {@code to} when every record was placed.
     */
    private int parseRun(List<SourceRecord> records, int from, int to, ParseResult[] results) {
        int length = 0;
        for (int i = from; i < to; i++) {
            length += records.get(i).raw().length() + 1;
        }
        StringBuilder text = new StringBuilder(length);
        long[] starts = new long[to - from];
        for (int i = from; i < to; i++) {
            starts[i - from] = text.length();
            text.append(records.get(i).raw()).append('\n');
        }
        int i = from;
        ParseResult pending = null;
        try (CSVParser parser = CSVParser.parse(text.toString(), format)) {
            for (CSVRecord record : parser) {
                if (i == to || record.getCharacterPosition() != starts[i - from]) {
                    return Math.max(from, i - 1);
                }
                if (i > from) {
                    results[i - 1] = pending;
                }
                pending = result(record);
                i++;
            }
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            return Math.max(from, i - 1);
        }
        if (i < to) {
            return Math.max(from, i - 1);
        }
        results[to - 1] = pending;
        return to;
    }

    private ParseResult result(CSVRecord record) {
        if (record.size() != header.size()) {
            return wrongFieldCount(record.size());
        }
        Object[] values = new Object[record.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = record.get(i); // not toList(), which streams
        }
        return new ParsedRecord(header, values);
    }

    private ParseResult.Malformed wrongFieldCount(int found) {
        return new ParseResult.Malformed("expected " + header.size() + " fields as in the header, found " + found);
    }

    private ParsedRecord fields(List<String> values) {
        if (values.size() != header.size()) {
            throw new MalformedRecordException(wrongFieldCount(values.size()).reason());
        }
        return new ParsedRecord(header, values.toArray());
    }

    static List<String> values(CSVFormat format, String raw) {
        try (CSVParser parser = CSVParser.parse(raw, format)) {
            List<CSVRecord> records = parser.getRecords();
            if (records.size() != 1) {
                throw new MalformedRecordException("malformed CSV: expected one record, found " + records.size());
            }
            return records.get(0).toList();
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw new MalformedRecordException("malformed CSV: " + rootMessage(e));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
