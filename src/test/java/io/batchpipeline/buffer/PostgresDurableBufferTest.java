package io.batchpipeline.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.batchpipeline.support.Databases;
import io.batchpipeline.support.TestPostgres;
import org.junit.jupiter.api.Test;

/** The durable buffer in a real PostgreSQL, started by the test itself. */
class PostgresDurableBufferTest extends DurableBufferContract {

    PostgresDurableBufferTest() {
        super(TestPostgres.url(), "postgres", "");
    }

    /**
     * Every chunk is deleted soon after it is stored: the space is freed at each look for batches to recover, not left
     * to autovacuum, which may be off or far behind (VACUUM counts only vacuums asked for, not autovacuum's).
     */
    @Test
    void theSpaceOfWrittenBatchesIsFreedAtTheNextLook() throws Exception {
        long before = vacuums();
        assertThat(storeWriteAndLookAgain()).isEmpty();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(vacuums()).isGreaterThan(before));
    }

    private static long vacuums() throws Exception {
        return Databases.count(TestPostgres.url(), "postgres", "", "SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'batch_pipeline_buffer'");
    }

    /**
     * Chunks are read back only after a crash: compressed with lz4 where the server has it (cheaper than the bytes it
     * saves), else out of line and uncompressed (PostgreSQL's default pglz cost it a quarter of its CPU in a durable load).
     */
    @Test
    void chunksAreCompressedWithLz4WhereTheServerHasItElseStoredUncompressed() throws Exception {
        boolean lz4 = Databases.count(TestPostgres.url(), "postgres", "", "SELECT COUNT(*) FROM pg_settings"
                + " WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)") == 1;
        String storage = lz4 ? "attstorage = 'x' AND attcompression = 'l'" : "attstorage = 'e'";
        assertThat(Databases.count(TestPostgres.url(), "postgres", "", "SELECT COUNT(*) FROM pg_attribute"
                + " WHERE attrelid = 'batch_pipeline_buffer'::regclass AND attname = 'records' AND " + storage)).isEqualTo(1);
    }
}
