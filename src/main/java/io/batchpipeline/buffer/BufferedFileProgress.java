package io.batchpipeline.buffer;

import java.sql.SQLException;

import javax.sql.DataSource;

import io.batchpipeline.common.Errors;
import io.batchpipeline.jdbc.Transactions;
import io.batchpipeline.source.FileProgress;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How far each file was stored, as the buffer's journal recorded it ({@code batch_pipeline_sources}). */
final class BufferedFileProgress implements FileProgress {

    private static final Logger LOG = LoggerFactory.getLogger(BufferedFileProgress.class);

    private final String name;
    private final DataSource dataSource;

    BufferedFileProgress(String name, DataSource dataSource) {
        this.name = name;
        this.dataSource = dataSource;
    }

    @Override
    public long storedThrough(Exchange sourceExchange) {
        String key = FileKey.of(sourceExchange);
        if (key == null) {
            return 0;
        }
        try {
            return Transactions.inTransaction(dataSource, connection -> BufferTable.storedThrough(connection, name, key));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read from the durable buffer how far "
                    + sourceExchange.getMessage().getHeader(Exchange.FILE_NAME) + " was stored: " + Errors.describe(e), e);
        }
    }

    @Override
    public void sourceDone(Exchange sourceExchange) {
        String key = FileKey.of(sourceExchange);
        if (key == null) {
            return;
        }
        try {
            Transactions.inTransaction(dataSource, connection -> {
                BufferTable.forgetSource(connection, name, key);
                return null;
            });
        } catch (SQLException e) {
            // harmless: the mark names this exact file (name, size, time), which is done
            LOG.warn("Durable buffer {}: cannot forget how far {} was stored: {}", name,
                    sourceExchange.getMessage().getHeader(Exchange.FILE_NAME), Errors.describe(e));
        }
    }
}
