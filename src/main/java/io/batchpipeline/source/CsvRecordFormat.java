package io.batchpipeline.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** One CSV record, parsed by Commons CSV against the header of the file it came from. */
final class CsvRecordFormat implements RecordFormat {

    private final CSVFormat format;
    private final List<String> header;

    CsvRecordFormat(CSVFormat format, List<String> header) {
        this.format = format;
        this.header = header;
    }

    @Override
    public Map<String, Object> parse(String raw) {
        List<String> values = values(format, raw);
        if (values.size() != header.size()) {
            throw new MalformedRecordException("expected " + header.size() + " fields as in the header, found " + values.size());
        }
        Map<String, Object> fields = new LinkedHashMap<>(header.size() * 2);
        for (int i = 0; i < values.size(); i++) {
            fields.put(header.get(i), values.get(i));
        }
        return fields;
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
