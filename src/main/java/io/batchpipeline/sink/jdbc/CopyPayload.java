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
 * with its row number. Knows on which line each record starts, so that the line PostgreSQL names in an error
 * leads back to the record.
 */
final class CopyPayload {

    private final List<SourceRecord> records;
    private final byte[] bytes;
    private final int length;
    /** The 1-based line each record starts on, as PostgreSQL counts them (a line break in a quoted field counts). */
    private final int[] firstLines;

    private CopyPayload(List<SourceRecord> records, byte[] bytes, int length, int[] firstLines) {
        this.records = records;
        this.bytes = bytes;
        this.length = length;
        this.firstLines = firstLines;
    }

    static CopyPayload of(List<SourceRecord> records, boolean numbered, char delimiter) {
        int capacity = 64;
        for (SourceRecord record : records) {
            capacity += record.raw().length() + 16;
        }
        byte[] bytes = new byte[capacity + capacity / 4];
        int length = 0;
        int[] firstLines = new int[records.size()];
        int line = 1;
        for (int i = 0; i < records.size(); i++) {
            String raw = records.get(i).raw();
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
        return new CopyPayload(records, bytes, length, firstLines);
    }

    private static int lineBreaks(String raw) {
        int count = 0;
        for (int i = raw.indexOf('\n'); i >= 0; i = raw.indexOf('\n', i + 1)) {
            count++;
        }
        return count;
    }

    /** The index of the record on the given line, or -1 when no record is. */
    int recordAtLine(long line) {
        if (line < 1 || records.isEmpty() || line >= firstLines[records.size() - 1] + 1L + lineBreaks(records.get(records.size() - 1).raw())) {
            return -1;
        }
        int found = Arrays.binarySearch(firstLines, (int) line);
        return found >= 0 ? found : -found - 2;
    }

    void copyIn(Connection connection, String sql) throws SQLException {
        copyIn(connection, sql, bytes, length);
    }

    /** Streams {@code bytes[0, length)} to a {@code COPY ... FROM STDIN} statement on the caller's transaction. */
    static void copyIn(Connection connection, String sql, byte[] bytes, int length) throws SQLException {
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            copy.writeToCopy(bytes, 0, length);
            copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }
}
