package io.batchpipeline.sink.file;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
import io.batchpipeline.record.CsvLayout;
import io.batchpipeline.record.ParsedRecord;
import io.batchpipeline.record.RecordFormat;
import io.batchpipeline.record.Row;
import io.batchpipeline.record.SourceRecord;
import io.batchpipeline.sink.BatchSink;
import io.batchpipeline.sink.FieldMap;
import io.batchpipeline.sink.PassThrough;
import io.batchpipeline.sink.SameTransaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one file per batch. The file is written under a hidden temporary name, forced to disk, then
 * renamed atomically, so a reader of the directory never sees a partial file; at startup the temporary files
 * of processes that died are deleted. Errors name this class's own properties.
 */
public class FileBatchSink implements BatchSink<Map<String, Object>>, PassThrough {

    private static final Logger LOG = LoggerFactory.getLogger(FileBatchSink.class);

    private String directory;
    private String format = "csv";
    private String columns = "";
    private String fieldMap = "";
    private String prefix = "batch";
    private boolean passThrough = true;

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
        removeLeftovers();
    }

    /**
     * Deletes the temporary files of writers that died (SIGKILL, power loss) before renaming them: their batches were
     * never reported written, so their records are written again. A writer holds a lock on its temporary file while
     * it writes, which the system releases when the process dies, so a file another live process is writing is kept.
     */
    private void removeLeftovers() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, path -> names.isOthersTemporary(path.getFileName().toString()))) {
            for (Path file : files) {
                if (abandoned(file)) {
                    Files.deleteIfExists(file);
                    LOG.info("deleted {}: a batch file a stopped process never finished; its records are written again", file);
                }
            }
        } catch (IOException e) {
            throw new InvalidPropertyException("directory", "cannot list " + dir.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    private static boolean abandoned(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
            return lock != null;
        } catch (OverlappingFileLockException | NoSuchFileException e) { // held in this JVM, or renamed meanwhile
            return false;
        }
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
        writeFile(out -> fileFormat.write(out, fixedColumns != null ? fixedColumns : columnsOf(records), records));
    }

    /**
     * CSV in and CSV out with the same fields: the batch file is the header and each record's text as it was read,
     * which reads back as the same values. Only a whole batch under one comma-separated header, each record read
     * alike by every CSV reader; otherwise every record is returned, to be parsed and printed.
     */
    @Override
    public List<SourceRecord> writeAsIs(List<SourceRecord> records, SameTransaction alongside) throws IOException {
        CsvLayout layout = records.get(0).format().csvLayout();
        if (!passThrough || fileFormat != FileFormat.CSV || layout == null || layout.delimiter() != ',') {
            return records;
        }
        List<String> header = layout.names().stream().map(fields::columnFor).toList();
        if (fixedColumns != null ? !fixedColumns.equals(header) : Set.copyOf(header).size() != header.size()) {
            return records; // other columns, or two fields renamed to one column: printed the converting way
        }
        RecordFormat first = records.get(0).format();
        for (SourceRecord record : records) {
            boolean sameLayout = record.format() == first || layout.equals(record.format().csvLayout()); // one file: one format
            if (!sameLayout || !layout.readsAlike(record.text().utf8())) {
                return records;
            }
        }
        writeFile(out -> FileFormat.writeCsvAsIs(out, header, records));
        return List.of();
    }

    /** What goes into a batch file. */
    @FunctionalInterface
    private interface Content {
        void writeTo(Writer out) throws IOException;
    }

    private void writeFile(Content content) throws IOException {
        String name = names.next();
        Path temp = dir.resolve(BatchFileNames.temporary(name));
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             FileLock writing = channel.lock()) {
            Writer out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8), 64 * 1024);
            content.writeTo(out);
            out.flush();
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void probe() throws IOException {
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new IOException("cannot write to " + dir.toAbsolutePath());
        }
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

    /** CSV records to a CSV file go as their text is, unparsed, where they read the same. */
    public void setPassThrough(boolean passThrough) {
        this.passThrough = passThrough;
    }

    public void setPrefix(String prefix) {
        this.prefix = prefix;
    }
}
