package io.batchpipeline.support;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Deterministic order records in the shape of the bundled {@code orders} table. */
public final class SampleData {

    public static final String HEADER = "id,customer,amount,quantity,ordered_at,note,paid";

    private SampleData() {
    }

    public static String csvLine(long id) {
        return id + ",customer " + (id % 97) + "," + (id % 1000) + "." + String.format("%02d", id % 100) + "," + (id % 50)
                + ",2026-01-01T00:00:00Z,\"note, with comma " + id + "\"," + (id % 2 == 0);
    }

    public static String jsonLine(long id) {
        return "{\"id\":" + id + ",\"customer\":\"customer " + (id % 97) + "\",\"amount\":" + (id % 1000) + "." + String.format("%02d", id % 100)
                + ",\"quantity\":" + (id % 50) + ",\"ordered_at\":\"2026-01-01T00:00:00Z\",\"note\":\"n" + id + "\",\"paid\":" + (id % 2 == 0) + "}";
    }

    /** Writes ids [from, to] as a CSV file, atomically, into the folder a pipeline watches. */
    public static Path writeCsv(Path folder, String name, long from, long to) throws IOException {
        Files.createDirectories(folder);
        Path temp = Files.createTempFile(folder.getParent(), name, ".tmp");
        try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            out.write(HEADER);
            out.write('\n');
            for (long id = from; id <= to; id++) {
                out.write(csvLine(id));
                out.write('\n');
            }
        }
        return Files.move(temp, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Copies a file into a watched folder, atomically, so the pipeline never sees it half written. */
    public static Path copyInto(Path folder, Path file) throws IOException {
        Files.createDirectories(folder);
        Path temp = Files.createTempFile(folder.getParent(), file.getFileName().toString(), ".tmp");
        Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
        return Files.move(temp, folder.resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }

    /** A JSON-lines file, such as the dead-letter file, one node per line. */
    public static List<JsonNode> readJsonLines(Path file) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            nodes.add(mapper.readTree(line));
        }
        return nodes;
    }

    /** Drops text as a file into a watched folder, atomically. */
    public static Path writeFile(Path folder, String name, String content) throws IOException {
        return writeFile(folder, name, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Drops bytes as a file into a watched folder, atomically: the pipeline never sees it empty or half written. */
    public static Path writeFile(Path folder, String name, byte[] content) throws IOException {
        Files.createDirectories(folder);
        Path temp = Files.createTempFile(folder.getParent(), name, ".tmp");
        Files.write(temp, content);
        return Files.move(temp, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** How many files a folder holds; 0 when it does not exist yet (a .done folder before the first file). */
    public static long filesIn(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (var listing = Files.list(folder)) {
            return listing.count();
        }
    }
}
