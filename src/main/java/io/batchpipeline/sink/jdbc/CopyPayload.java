package io.batchpipeline.sink.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

import io.batchpipeline.record.SourceRecord;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Records' raw CSV text as one COPY stream, UTF-8, a line break after each record, optionally each line prefixed
 * with its row number. Knows where each record's bytes start and on which line, so that the line PostgreSQL names
 * in an error leads back to the record, and a part of the records can be sent again without encoding them again.
 */
final class CopyPayload {

    private final List<SourceRecord> records;
    private final byte[] bytes;
    /** Where record i's bytes start; one more entry for the end. */
    private final int[] offsets;
    /** The 1-based line each record starts on, counted from the first record, as PostgreSQL counts lines (a line break in a quoted field counts). */
    private final int[] firstLines;

    private CopyPayload(List<SourceRecord> records, byte[] bytes, int[] offsets, int[] firstLines) {
        this.records = records;
        this.bytes = bytes;
        this.offsets = offsets;
        this.firstLines = firstLines;
    }

    static CopyPayload of(List<SourceRecord> records, boolean numbered, char delimiter) {
        int capacity = 64;
        for (SourceRecord record : records) {
            capacity += record.raw().length() + 16;
        }
        byte[] bytes = new byte[capacity + capacity / 4];
        int length = 0;
        int[] offsets = new int[records.size() + 1];
        int[] firstLines = new int[records.size() + 1];
        int line = 1;
        for (int i = 0; i < records.size(); i++) {
            String raw = records.get(i).raw();
            offsets[i] = length;
            firstLines[i] = line;
            line += 1 + lineBreaks(raw);
            byte[] prefix = numbered ? (i + String.valueOf(delimiter)).getBytes(StandardCharsets.UTF_8) : null;
            byte[] text = raw.getBytes(StandardCharsets.UTF_8);
            int needed = (prefix == null ? 0 : prefix.length) + text.length + 1;
            if (length + needed > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + needed));
            }
            if (prefix != null) {
                System.arraycopy(prefix, 0, bytes, length, prefix.length);
                length += prefix.length;
            }
            System.arraycopy(text, 0, bytes, length, text.length);
            length += text.length;
            bytes[length++] = '\n';
        }
        offsets[records.size()] = length;
        firstLines[records.size()] = line;
        return new CopyPayload(records, bytes, offsets, firstLines);
    }

    private static int lineBreaks(String raw) {
        int count = 0;
        for (int i = raw.indexOf('\n'); i >= 0; i = raw.indexOf('\n', i + 1)) {
            count++;
        }
        return count;
    }

    List<SourceRecord> records(int from, int to) {
        return records.subList(from, to);
    }

    /**
     * The index of the record on the given line of a COPY that sent records [from, to), or -1 when none of them is
     * on it.
     */
    int recordAtLine(int from, int to, long line) {
        long absolute = line - 1 + firstLines[from];
        if (line < 1 || absolute >= firstLines[to]) {
            return -1;
        }
        int found = Arrays.binarySearch(firstLines, from, to, (int) absolute);
        return found >= 0 ? found : -found - 2;
    }

    /** Streams records [from, to) to a {@code COPY ... FROM STDIN} statement on the caller's transaction. */
    void copyIn(Connection connection, String sql, int from, int to) throws SQLException {
        copyIn(connection, sql, bytes, offsets[from], offsets[to] - offsets[from]);
    }

    /** Streams {@code bytes[offset, offset + length)} to a {@code COPY ... FROM STDIN} statement on the caller's transaction. */
    static void copyIn(Connection connection, String sql, byte[] bytes, int offset, int length) throws SQLException {
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            copy.writeToCopy(bytes, offset, length);
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }
}
