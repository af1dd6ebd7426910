package io.batchpipeline.buffer;

import io.batchpipeline.common.Digests;
import org.apache.camel.Exchange;

/**
 * Identifies the file an exchange carries by its name, size and modification time, hashed to a fixed length
 * for a key column. A file replaced by another of the same name is a different file, read from its start.
 */
final class FileKey {

    private FileKey() {
    }

    /** The key, or null when the exchange does not carry a file (a message). */
    static String of(Exchange exchange) {
        Object file = exchange.getMessage().getHeader(Exchange.FILE_NAME);
        if (file == null) {
            return null;
        }
        String identity = file + "\n" + exchange.getMessage().getHeader(Exchange.FILE_LENGTH) + "\n"
                + exchange.getMessage().getHeader(Exchange.FILE_LAST_MODIFIED);
        return Digests.sha256Hex(identity);
    }
}
