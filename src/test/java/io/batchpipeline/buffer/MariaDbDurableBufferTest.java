package io.batchpipeline.buffer;

import org.junit.jupiter.api.Tag;

/** The durable buffer in the MariaDB server on 127.0.0.1:3306; only in the {@code services} Maven profile, which .ci/run turns on. */
@Tag("services")
class MariaDbDurableBufferTest extends DurableBufferContract {

    MariaDbDurableBufferTest() {
        super("jdbc:mariadb://127.0.0.1:3306/test", "root", "");
    }
}
