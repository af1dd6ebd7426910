package io.batchpipeline.sink.file;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.batchpipeline.common.InvalidPropertyException;
import io.batchpipeline.record.ParsedRecord;
import io.batchpipeline.record.Row;
import io.batchpipeline.record.SourceRecord;
import io.batchpipeline.sink.BatchSink;
import io.batchpipeline.sink.FieldMap;

/**
 * Writes one file per batch. The file is written under a hidden temporary name, forced to disk, then
 * renamed atomically, so a reader of the directory never sees a partial file. Errors name this class's own properties.
 */
public class FileBatchSink implements BatchSink<Map<String, Object>> {

    private String directory;
    private String format = "csv";
    private String columns = "";
    private String fieldMap = "";
    private String prefix = "batch";

    private Path dir;
    private FileFormat fileFormat;
    private List<String> fixedColumns;
    private FieldMap fields;
    private BatchFileNames names;

    public void init() {
        if (directory == null || directory.isBlank()) {
            throw new InvalidPropertyException("directory", "is empty: name the directory batch files go to");
        }
        fileFormat = FileFormat.of(format);
        fields = FieldMap.parse("fieldMap", fieldMap);
        dir = Path.of(directory);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InvalidPropertyException("directory", "cannot create " + dir.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        if (!Files.isWritable(dir)) {
            throw new InvalidPropertyException("directory", dir.toAbsolutePath() + " is not writable");
        }
        fixedColumns = columns == null || columns.isBlank() ? null
                : Arrays.stream(columns.split(",")).map(String::trim).filter(c -> !c.isEmpty()).toList();
        names = new BatchFileNames(prefix, fileFormat.extension());
    }

    @Override
    public Row<Map<String, Object>> convert(SourceRecord record, ParsedRecord parsed) {
        Map<String, Object> renamed = new LinkedHashMap<>(parsed.names().size() * 2);
        for (int i = 0; i < parsed.values().length; i++) {
            renamed.put(fields.columnFor(parsed.names().get(i)), parsed.values()[i]);
        }
        return new Row<>(renamed, record);
    }

    @Override
    public void write(List<Row<Map<String, Object>>> rows) throws IOException {
        if (rows.isEmpty()) {
            return;
        }
        List<Map<String, Object>> records = new ArrayList<>(rows.size());
        for (Row<Map<String, Object>> row : rows) {
            records.add(row.data());
        }
        String name = names.next();
        Path temp = dir.resolve("." + name + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            Writer out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8), 64 * 1024);
            fileFormat.write(out, fixedColumns != null ? fixedColumns : columnsOf(records), records);
            out.flush();
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Every field name in the batch, in order of first appearance, for the CSV header. */
    private static List<String> columnsOf(List<Map<String, Object>> records) {
        Set<String> columns = new LinkedHashSet<>();
        for (Map<String, Object> record : records) {
            columns.addAll(record.keySet());
        }
        return List.copyOf(columns);
    }

    @Override
    public String describe() {
        return "directory " + directory + " (" + format + ")";
    }

    public void setDirectory(String directory) {
        this.directory = directory;
    }

    public void setFormat(String format) {
        this.format = format;
    }

    public void setColumns(String columns) {
        this.columns = columns;
    }

    public void setFieldMap(String fieldMap) {
        this.fieldMap = fieldMap;
    }

    public void setPrefix(String prefix) {
        this.prefix = prefix;
    }
}
