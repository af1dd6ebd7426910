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
 * Records' raw CSV text as one COPY stream: UTF-8, a line break after each record, optionally each line prefixed
 * with its row number.
 */
final class CopyPayload {

    private final byte[] bytes;
    private final int length;

    private CopyPayload(byte[] bytes, int length) {
        this.bytes = bytes;
        this.length = length;
    }

    static CopyPayload of(List<SourceRecord> records, boolean numbered, char delimiter) {
        int capacity = 64;
        for (SourceRecord record : records) {
            capacity += record.text().size() + 16;
        }
        byte[] bytes = new byte[capacity + capacity / 4];
        int length = 0;
        for (int i = 0; i < records.size(); i++) {
            byte[] prefix = numbered ? (i + String.valueOf(delimiter)).getBytes(StandardCharsets.UTF_8) : null;
            byte[] text = records.get(i).text().utf8();
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
        return new CopyPayload(bytes, length);
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
