package io.batchpipeline.sink.file;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * Names for batch files that are unique and sort in the order the batches were written:
 * {@code prefix-20261128T214500.123Z-000000042-1a2b3c4d.csv}. The UTC timestamp and a process-wide
 * sequence, taken together under one lock, order the files; the instance id keeps two processes
 * (or two runs in the same millisecond) from colliding.
 */
final class BatchFileNames {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final String prefix;
    private final String extension;
    /** This process's id in the names it writes; one per process, so it can tell its own files from others'. */
    static final String INSTANCE = UUID.randomUUID().toString().substring(0, 8);
    private long sequence;
    private long lastMillis;

    BatchFileNames(String prefix, String extension) {
        this.prefix = prefix;
        this.extension = extension;
    }

    /** The hidden name a batch file is written under before it is renamed to {@code name}. */
    static String temporary(String name) {
        return "." + name + ".tmp";
    }

    /** Whether a file name is a temporary batch file this sink writes, and one another process wrote. */
    boolean isOthersTemporary(String fileName) {
        return fileName.startsWith("." + prefix + "-") && fileName.endsWith("." + extension + ".tmp")
                && !fileName.contains("-" + INSTANCE + ".");
    }

    synchronized String next() {
        long now = Math.max(System.currentTimeMillis(), lastMillis); // never step back if the clock does
        lastMillis = now;
        return String.format("%s-%s-%09d-%s.%s", prefix, STAMP.format(Instant.ofEpochMilli(now)), ++sequence, INSTANCE, extension);
    }
}
