package io.batchpipeline.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SplittableRandom;

/**
 * The benchmark's input: N orders with 8 columns of mixed types, generated from a fixed seed so every run
 * and every machine loads the same bytes. Text includes commas, quotes, line breaks, backslashes and unicode.
 */
final class BenchData {

    static final String COLUMNS = "id,customer,amount,quantity,score,ordered_at,paid,note";
    static final String TABLE_DDL = "CREATE TABLE bench_orders (id BIGINT PRIMARY KEY, customer TEXT NOT NULL, amount NUMERIC(12,2),"
            + " quantity INTEGER, score DOUBLE PRECISION, ordered_at TIMESTAMPTZ, paid BOOLEAN, note TEXT,"
            + " loaded_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp())";

    private static final String[] CUSTOMERS = {"Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov",
        "Donald Knuth", "Zoë Müller", "José García", "李雷", "Анна Каренина", "O'Brien, Pat", "\"Big\" Bob"};
    private static final String[] NOTES = {"", "deliver to the back door", "fragile, handle with care", "said \"urgent\" twice",
        "two lines:\nfirst, then second", "path C:\\orders\\new", "émoji ✓ ünïcödé 🚀", "gift wrap", "tab\tseparated", "call before delivery"};

    private BenchData() {
    }

    /** One row in this many has a bad value (in turn an amount and a quantity that are not numbers), with {@link #ensureWithBadRows}. */
    static final int BAD_EVERY = 100;

    /** Writes the file once; reuses it when it already exists with the same row count. */
    static Path ensure(Path dir, long rows) throws IOException {
        return ensure(dir, rows, false);
    }

    /** The same orders, but one row in {@link #BAD_EVERY} carries a value no column takes, spread evenly through the file. */
    static Path ensureWithBadRows(Path dir, long rows) throws IOException {
        return ensure(dir, rows, true);
    }

    static long badRows(long rows) {
        return rows / BAD_EVERY;
    }

    private static Path ensure(Path dir, long rows, boolean bad) throws IOException {
        Path file = dir.resolve((bad ? "bad-orders-" : "orders-") + rows + ".csv");
        if (Files.exists(file)) {
            return file;
        }
        Files.createDirectories(dir);
        Path temp = dir.resolve(file.getFileName() + ".tmp");
        SplittableRandom random = new SplittableRandom(42);
        long base = Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
        try (BufferedWriter out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            out.write(COLUMNS);
            out.write('\n');
            StringBuilder line = new StringBuilder(256);
            for (long id = 1; id <= rows; id++) {
                line.setLength(0);
                line.append(id).append(',');
                quoted(line, CUSTOMERS[random.nextInt(CUSTOMERS.length)]).append(',');
                boolean badAmount = bad && id % BAD_EVERY == 0 && id % (2 * BAD_EVERY) != 0;
                boolean badQuantity = bad && id % (2 * BAD_EVERY) == 0;
                line.append(random.nextInt(10_000_000) / 100).append('.').append(String.format("%02d", random.nextInt(100)))
                        .append(badAmount ? " EUR" : "").append(',');
                line.append(badQuantity ? "many" : Integer.toString(random.nextInt(1, 100))).append(',');
                line.append(random.nextInt(1_000_000) / 1000.0).append(',');
                line.append(Instant.ofEpochSecond(base + random.nextInt(300 * 86_400), random.nextInt(1000) * 1_000_000L)
                        .atOffset(ZoneOffset.ofHours(random.nextInt(-8, 9)))).append(',');
                line.append(random.nextBoolean()).append(',');
                quoted(line, NOTES[random.nextInt(NOTES.length)] + (random.nextInt(4) == 0 ? " #" + id : "")).append('\n');
                out.append(line);
            }
        }
        return Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    private static StringBuilder quoted(StringBuilder line, String text) {
        if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0) {
            return line.append(text);
        }
        return line.append('"').append(text.replace("\"", "\"\"")).append('"');
    }
}
