package io.batchpipeline.buffer;

import java.sql.SQLException;

import javax.sql.DataSource;

import io.batchpipeline.common.Errors;
import io.batchpipeline.jdbc.Transactions;
import io.batchpipeline.source.BrokerMessage;
import io.batchpipeline.source.SourceProgress;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How far each file or message was stored, as the buffer's journal recorded it ({@code batch_pipeline_sources}). */
final class BufferedSourceProgress implements SourceProgress {

    private static final Logger LOG = LoggerFactory.getLogger(BufferedSourceProgress.class);

    private final String name;
    private final DataSource dataSource;

    BufferedSourceProgress(String name, DataSource dataSource) {
        this.name = name;
        this.dataSource = dataSource;
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

    @Override
    public void sourceDone(Exchange sourceExchange) {
        String key = SourceKey.of(sourceExchange);
        if (key == null) {
            return;
        }
        try {
            Transactions.inTransaction(dataSource, connection -> {
                BufferTable.forgetSource(connection, name, key);
                return null;
            });
        } catch (SQLException e) {
            // harmless: the mark names this exact file (name, size, time), which is done, or a message id, read only on redelivery
            LOG.warn("Durable buffer {}: cannot forget how far {} was stored: {}", name, describe(sourceExchange), Errors.describe(e));
        }
    }

    private static String describe(Exchange exchange) {
        String file = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        return file != null ? file : "message " + BrokerMessage.id(exchange);
    }
}
