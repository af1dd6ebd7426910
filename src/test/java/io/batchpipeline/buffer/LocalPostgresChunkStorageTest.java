package io.batchpipeline.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.UUID;

import io.batchpipeline.support.Databases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * On the PostgreSQL 15 server on 127.0.0.1:5432, built with lz4 as Debian's is, the buffer's chunks are compressed
 * with lz4 (the embedded PostgreSQL of the portable tests has no lz4 and keeps them uncompressed); in a database of
 * the test's own. Only in the {@code services} Maven profile, which .ci/run turns on.
 */
@Tag("services")
class LocalPostgresChunkStorageTest {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private final String database = "bp_chunks_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    @AfterEach
    void dropDatabase() throws Exception {
        Databases.execute(SERVER + "postgres", "postgres", "", "DROP DATABASE IF EXISTS " + database);
    }

    @Test
    void chunksAreCompressedWithLz4() throws Exception {
        Databases.execute(SERVER + "postgres", "postgres", "", "CREATE DATABASE " + database);
        try (Connection connection = DriverManager.getConnection(SERVER + database, "postgres", "")) {
            connection.setAutoCommit(false);
            BufferTable.create(connection);
            connection.commit();
        }
        assertThat(Databases.strings(SERVER + database, "postgres", "", "SELECT attstorage::text || attcompression::text FROM pg_attribute"
                + " WHERE attrelid = 'batch_pipeline_buffer'::regclass AND attname = 'records'")).containsExactly("xl");
    }
}
