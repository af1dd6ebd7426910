package io.batchpipeline.buffer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.batchpipeline.jdbc.SqlDialect;
import io.batchpipeline.observability.BufferDepth;

/**
 * The buffer's tables. {@code batch_pipeline_buffer} holds one row per chunk, keyed by pipeline, batch and the
 * chunk's position in the batch: appending a chunk is one INSERT, releasing a batch one DELETE on the key's
 * prefix. Nothing is ever rewritten, unlike Camel's JdbcAggregationRepository, which rewrites the whole group
 * on every add. {@code batch_pipeline_sources} holds, per file being read, the last line stored.
 *
 * <p>Each chunk names the instance that owns it; {@code batch_pipeline_owners} holds each running instance's lease,
 * in the database's clock. An instance reads back and deletes only its own chunks, and takes over those whose
 * owner's lease has lapsed.
 */
final class BufferTable {

    static final String NAME = "batch_pipeline_buffer";

    /** A chunk as stored: the records' source and format spec, and the records. */
    record StoredChunk(String source, String format, byte[] records) {
    }

    private BufferTable() {
    }

    static void create(Connection connection) throws SQLException {
        SqlDialect dialect = SqlDialect.of(connection);
        String text = dialect.textType();
        String binary = dialect.binaryType();
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + NAME + " ("
                    + "pipeline VARCHAR(200) NOT NULL, batch_id VARCHAR(100) NOT NULL, chunk INTEGER NOT NULL, "
                    + "source " + text + " NOT NULL, record_format " + text + " NOT NULL, "
                    + "records " + binary + " NOT NULL, buffered_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, "
                    + "PRIMARY KEY (pipeline, batch_id, chunk))");
            // added after the first release, for the depth metric; a table made before gets it here (NULL: not counted)
            statement.execute("ALTER TABLE " + NAME + " ADD COLUMN IF NOT EXISTS record_count INTEGER");
            // added for several instances; a chunk stored before (NULL) belongs to no one and is taken over
            statement.execute("ALTER TABLE " + NAME + " ADD COLUMN IF NOT EXISTS owner VARCHAR(100)");
            String storage = dialect.storeChunks(connection, NAME, "records");
            if (storage != null) {
                statement.execute(storage);
            }
            statement.execute("CREATE TABLE IF NOT EXISTS " + OWNERS + " (pipeline VARCHAR(200) NOT NULL, "
                    + "owner VARCHAR(100) NOT NULL, lease_until BIGINT NOT NULL, PRIMARY KEY (pipeline, owner))");
            statement.execute("CREATE TABLE IF NOT EXISTS " + SOURCES + " ("
                    + "pipeline VARCHAR(200) NOT NULL, source_key CHAR(64) NOT NULL, source " + text + " NOT NULL, "
                    + "stored_through BIGINT NOT NULL, PRIMARY KEY (pipeline, source_key))");
        }
    }

    /**
     * The statement that frees the space of released chunks, ended leases and forgotten resume marks (PostgreSQL:
     * VACUUM, run outside a transaction), or null where the database does it as it goes.
     */
    static String vacuum(Connection connection) throws SQLException {
        return SqlDialect.of(connection).vacuum(NAME, OWNERS, SOURCES);
    }

    /** The running instances' leases: ms since the epoch, in the database's clock. */
    static final String OWNERS = "batch_pipeline_owners";

    /** Starts or renews the owner's lease; false when it had lapsed and was taken away (it is granted anew). */
    static boolean lease(Connection connection, String pipeline, String owner, long leaseMillis) throws SQLException {
        String until = SqlDialect.of(connection).epochMillis() + " + ?";
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + OWNERS + " SET lease_until = " + until
                + " WHERE pipeline = ? AND owner = ?")) {
            update.setLong(1, leaseMillis);
            update.setString(2, pipeline);
            update.setString(3, owner);
            if (update.executeUpdate() > 0) {
                return true;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + OWNERS + " (pipeline, owner, lease_until)"
                + " VALUES (?, ?, " + until + ")")) {
            insert.setString(1, pipeline);
            insert.setString(2, owner);
            insert.setLong(3, leaseMillis);
            insert.executeUpdate();
        }
        return false;
    }

    /** Ends the owner's lease: what it still holds may be taken over at once. */
    static void endLease(Connection connection, String pipeline, String owner) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + OWNERS + " WHERE pipeline = ? AND owner = ?")) {
            delete.setString(1, pipeline);
            delete.setString(2, owner);
            delete.executeUpdate();
        }
    }

    /**
     * Makes the owner of every chunk whose owner holds no live lease, in one UPDATE, so that two instances never
     * both take a chunk (the second finds it owned by the first); then forgets the lapsed leases. Returns how
     * many chunks changed hands.
     */
    static int takeOver(Connection connection, String pipeline, String owner) throws SQLException {
        String now = SqlDialect.of(connection).epochMillis();
        int taken;
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + NAME + " SET owner = ? WHERE pipeline = ?"
                + " AND (owner IS NULL OR owner NOT IN (SELECT o.owner FROM " + OWNERS + " o WHERE o.pipeline = ? AND o.lease_until >= " + now + "))")) {
            update.setString(1, owner);
            update.setString(2, pipeline);
            update.setString(3, pipeline);
            taken = update.executeUpdate();
        }
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + OWNERS + " WHERE pipeline = ? AND lease_until < " + now)) {
            delete.setString(1, pipeline);
            delete.executeUpdate();
        }
        return taken;
    }

    /** How far each file being read is stored: the last line of its last stored chunk. */
    static final String SOURCES = "batch_pipeline_sources";

    static long storedThrough(Connection connection, String pipeline, String sourceKey) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT stored_through FROM " + SOURCES
                + " WHERE pipeline = ? AND source_key = ?")) {
            select.setString(1, pipeline);
            select.setString(2, sourceKey);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** Moves the file's mark; one thread reads a file, so update-else-insert cannot race. */
    static void storeThrough(Connection connection, String pipeline, String sourceKey, String source, long line) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + SOURCES + " SET stored_through = ?"
                + " WHERE pipeline = ? AND source_key = ?")) {
            update.setLong(1, line);
            update.setString(2, pipeline);
            update.setString(3, sourceKey);
            if (update.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + SOURCES
                + " (pipeline, source_key, source, stored_through) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, pipeline);
            insert.setString(2, sourceKey);
            insert.setString(3, source);
            insert.setLong(4, line);
            insert.executeUpdate();
        }
    }

    /** Forgets how far these sources were stored, in one round trip. */
    static void forgetSources(Connection connection, String pipeline, Collection<String> sourceKeys) throws SQLException {
        if (sourceKeys.isEmpty()) {
            return;
        }
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + SOURCES + " WHERE pipeline = ? AND source_key = ?")) {
            for (String sourceKey : sourceKeys) {
                delete.setString(1, pipeline);
                delete.setString(2, sourceKey);
                delete.addBatch();
            }
            delete.executeBatch();
        }
    }

    /** Stores the chunks in one round trip (a JDBC batch). */
    static void insert(Connection connection, String pipeline, String owner, List<ChunkAppender.Pending> chunks) throws SQLException {
        if (chunks.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + NAME
                + " (pipeline, batch_id, chunk, source, record_format, records, record_count, owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (ChunkAppender.Pending pending : chunks) {
                insert.setString(1, pipeline);
                insert.setString(2, pending.batchId());
                insert.setInt(3, pending.position());
                insert.setString(4, pending.chunk().source());
                insert.setString(5, pending.chunk().format());
                insert.setBytes(6, pending.chunk().records());
                insert.setInt(7, pending.records());
                insert.setString(8, owner);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Whether the chunk is stored. */
    static boolean holds(Connection connection, String pipeline, String batchId, int chunk) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM " + NAME
                + " WHERE pipeline = ? AND batch_id = ? AND chunk = ?")) {
            select.setString(1, pipeline);
            select.setString(2, batchId);
            select.setInt(3, chunk);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** How much the pipeline has in the buffer. */
    static BufferDepth.Depth depth(Connection connection, String pipeline) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT COUNT(DISTINCT batch_id), COALESCE(SUM(record_count), 0), "
                + "MIN(buffered_at) FROM " + NAME + " WHERE pipeline = ?")) {
            select.setString(1, pipeline);
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                java.sql.Timestamp oldest = rs.getTimestamp(3);
                long age = oldest == null ? 0 : Math.max(0, System.currentTimeMillis() - oldest.getTime());
                return new BufferDepth.Depth(rs.getLong(1), rs.getLong(2), age);
            }
        }
    }

    /** The batches the owner has in the buffer, oldest first. */
    static Set<String> batchIds(Connection connection, String pipeline, String owner) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT batch_id, MIN(buffered_at) FROM " + NAME
                + " WHERE pipeline = ? AND owner = ? GROUP BY batch_id ORDER BY 2, 1")) {
            select.setString(1, pipeline);
            select.setString(2, owner);
            Set<String> ids = new LinkedHashSet<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        }
    }

    static List<StoredChunk> chunks(Connection connection, String pipeline, String owner, String batchId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT source, record_format, records FROM " + NAME
                + " WHERE pipeline = ? AND owner = ? AND batch_id = ? ORDER BY chunk")) {
            select.setString(1, pipeline);
            select.setString(2, owner);
            select.setString(3, batchId);
            List<StoredChunk> chunks = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    chunks.add(new StoredChunk(rs.getString(1), rs.getString(2), rs.getBytes(3)));
                }
            }
            return chunks;
        }
    }

    /** Deletes the owner's chunks of the batch; returns how many there were. */
    static int delete(Connection connection, String pipeline, String owner, String batchId) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + NAME + " WHERE pipeline = ? AND owner = ? AND batch_id = ?")) {
            delete.setString(1, pipeline);
            delete.setString(2, owner);
            delete.setString(3, batchId);
            return delete.executeUpdate();
        }
    }
}
