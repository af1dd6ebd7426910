package io.batchpipeline.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import io.batchpipeline.support.Databases;
import io.batchpipeline.support.TestPostgres;
import org.junit.jupiter.api.Test;

/** The durable buffer in a real PostgreSQL, started by the test itself. */
class PostgresDurableBufferTest extends DurableBufferContract {

    PostgresDurableBufferTest() {
        super(TestPostgres.url(), "postgres", "");
    }

    /** Chunks are read back only after a crash: compressing each one as it was stored cost PostgreSQL a quarter of its CPU in a durable load. */
    @Test
    void chunksAreStoredOutOfLineWithoutCompression() throws Exception {
        assertThat(Databases.count(TestPostgres.url(), "postgres", "", "SELECT COUNT(*) FROM pg_attribute"
                + " WHERE attrelid = 'batch_pipeline_buffer'::regclass AND attname = 'records' AND attstorage = 'e'")).isEqualTo(1);
    }
}
