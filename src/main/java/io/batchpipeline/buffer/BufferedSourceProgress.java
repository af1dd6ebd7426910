package io.batchpipeline.buffer;

import java.sql.SQLException;
import java.util.function.Consumer;

import javax.sql.DataSource;

import io.batchpipeline.common.Errors;
import io.batchpipeline.jdbc.Transactions;
import io.batchpipeline.source.BrokerMessage;
import io.batchpipeline.source.SourceProgress;
import org.apache.camel.Exchange;

/** How far each file or message was stored, as the buffer's journal recorded it ({@code batch_pipeline_sources}). */
final class BufferedSourceProgress implements SourceProgress {

    private final String name;
    private final DataSource dataSource;
    private final Consumer<String> forget;

    /** @param forget forgets a source's mark, later: harmless, as the mark names that exact file, or a message id read only on redelivery */
    BufferedSourceProgress(String name, DataSource dataSource, Consumer<String> forget) {
        this.name = name;
        this.dataSource = dataSource;
        this.forget = forget;
    }

    @Override
    public long storedThrough(Exchange sourceExchange) {
        String key = SourceKey.ofResumable(sourceExchange);
        if (key == null) {
            return 0;
        }
        try {
            return Transactions.inTransaction(dataSource, connection -> BufferTable.storedThrough(connection, name, key));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read from the durable buffer how far " + describe(sourceExchange) + " was stored: "
                    + Errors.describe(e), e);
        }
    }

    /** The mark goes with the buffer's next append: one round trip for many messages, not one each. */
    @Override
    public Runnable forget(Exchange sourceExchange) {
        String key = SourceKey.of(sourceExchange);
        return key == null ? () -> { } : () -> forget.accept(key);
    }

    private static String describe(Exchange exchange) {
        String file = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        return file != null ? file : "message " + BrokerMessage.id(exchange);
    }
}
