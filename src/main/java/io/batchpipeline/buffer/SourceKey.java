package io.batchpipeline.buffer;

import io.batchpipeline.common.Digests;
import io.batchpipeline.source.BrokerMessage;
import org.apache.camel.Exchange;

/**
 * Identifies what an exchange carries, hashed to a fixed length for a key column: a file by its name, size and
 * modification time (a file replaced by another of the same name is a different file, read from its start); a
 * message by the id its publisher gave it, or a JetStream message by its stream and sequence.
 */
final class SourceKey {

    private SourceKey() {
    }

    /** The key, or null when the exchange carries neither a file nor a message with an id. */
    static String of(Exchange exchange) {
        Object file = exchange.getMessage().getHeader(Exchange.FILE_NAME);
        if (file != null) {
            String identity = file + "\n" + exchange.getMessage().getHeader(Exchange.FILE_LENGTH) + "\n"
                    + exchange.getMessage().getHeader(Exchange.FILE_LAST_MODIFIED);
            return Digests.sha256Hex(identity);
        }
        String message = BrokerMessage.id(exchange);
        return message == null ? null : Digests.sha256Hex("message\n" + message);
    }

    /**
     * The key, when what the exchange carries may have been stored before: a file may always have been; a message
     * only when the broker delivers it again, so that a publisher reusing an id for a new message never loses it.
     */
    static String ofResumable(Exchange exchange) {
        boolean file = exchange.getMessage().getHeader(Exchange.FILE_NAME) != null;
        return file || BrokerMessage.redelivered(exchange) ? of(exchange) : null;
    }
}
