package io.batchpipeline.buffer;

import io.batchpipeline.support.TestPostgres;

/** The durable buffer in a real PostgreSQL, started by the test itself. */
class PostgresDurableBufferTest extends DurableBufferContract {

    PostgresDurableBufferTest() {
        super(TestPostgres.url(), "postgres", "");
    }
}
