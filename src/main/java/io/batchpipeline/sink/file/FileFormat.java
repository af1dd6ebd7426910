package io.batchpipeline.sink.file;

import java.io.IOException;
import java.io.Writer;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.batchpipeline.common.InvalidPropertyException;
import io.batchpipeline.record.JsonText;
import io.batchpipeline.record.SourceRecord;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** How a batch file is written: CSV with a header line (Commons CSV), or one JSON object per line (Jackson). */
enum FileFormat {

    CSV("csv") {
        @Override
        void write(Writer out, List<String> columns, Collection<Map<String, Object>> records) throws IOException {
            CSVPrinter printer = csvPrinter(out, columns);
            Object[] values = new Object[columns.size()];
            for (Map<String, Object> record : records) {
                for (int i = 0; i < values.length; i++) {
                    values[i] = record.get(columns.get(i));
                }
                printer.printRecord(values);
            }
            printer.flush();
        }
    },
    NDJSON("ndjson") {
        /** Nested JSON goes back out as JSON, exactly as it was read, not as a string holding it. */
        private final ObjectMapper mapper = new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .registerModule(new SimpleModule().addSerializer(JsonText.class, new StdSerializer<>(JsonText.class) {
                    @Override
                    public void serialize(JsonText value, JsonGenerator out, SerializerProvider provider) throws IOException {
                        out.writeRawValue(value.json());
                    }
                }));

        @Override
        void write(Writer out, List<String> columns, Collection<Map<String, Object>> records) throws IOException {
            for (Map<String, Object> record : records) {
                mapper.writeValue(out, record);
                out.write('\n');
            }
        }
    };

    /** A printer that has written the header line. Not closed by its users: the caller forces the file to disk first. */
    private static CSVPrinter csvPrinter(Writer out, List<String> columns) throws IOException {
        return new CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(columns.toArray(String[]::new)).get());
    }

    /** CSV: the header, then each record's raw text, ended as the printer ends a record. */
    static void writeCsvAsIs(Writer out, List<String> columns, List<SourceRecord> records) throws IOException {
        csvPrinter(out, columns).flush();
        String recordSeparator = CSVFormat.RFC4180.getRecordSeparator();
        for (SourceRecord record : records) {
            out.write(record.raw());
            out.write(recordSeparator);
        }
    }

    private final String extension;

    FileFormat(String extension) {
        this.extension = extension;
    }

    String extension() {
        return extension;
    }

    abstract void write(Writer out, List<String> columns, Collection<Map<String, Object>> records) throws IOException;

    static FileFormat of(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidPropertyException("format", "unknown file format '" + value + "': use csv or ndjson");
        }
    }
}
