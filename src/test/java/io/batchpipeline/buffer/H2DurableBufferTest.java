package io.batchpipeline.buffer;

/** The durable buffer in an embedded H2 database. */
class H2DurableBufferTest extends DurableBufferContract {

    H2DurableBufferTest() {
        super("jdbc:h2:mem:durable-buffer-test;DB_CLOSE_DELAY=-1", "sa", "");
    }
}
