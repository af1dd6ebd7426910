package io.batchpipeline.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.batchpipeline.batching.BatchAggregationStrategy;
import io.batchpipeline.batching.FlushOnStop;
import io.batchpipeline.batching.WriterPool;
import io.batchpipeline.buffer.DurableBatchBuffer;
import io.batchpipeline.deadletter.DeadLetters;
import io.batchpipeline.delivery.RetryPolicy;
import io.batchpipeline.observability.PipelineRegistry;
import io.batchpipeline.observability.RunSummary;
import io.batchpipeline.sink.BatchSink;
import io.batchpipeline.sink.file.FileBatchSink;
import io.batchpipeline.sink.jdbc.DataSources;
import io.batchpipeline.sink.jdbc.JdbcBatchSink;
import io.batchpipeline.source.RecordReader;
import io.batchpipeline.steps.AwaitWrittenStep;
import io.batchpipeline.steps.WriteBatchStep;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.processor.aggregate.MemoryAggregationRepository;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Validates the configuration and binds, by name, the beans the routes in {@code routes/} refer to:
 * the shared steps of the route template, and the default pipeline's sink ({@code batchSink}), writer
 * pool ({@code batchWriters}) and buffer ({@code batchBuffer}) built from the {@code sink.*} and {@code batch.*} keys.
 */
public class PipelineConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Settings settings = Settings.of(context.getPropertiesComponent());
        Registry registry = context.getRegistry();

        // checked here, before any route starts, so that a bad value stops startup with its key named
        settings.text("source.uri");
        settings.oneOf("source.format", Set.of("csv", "jsonl"));
        settings.positiveInt("batch.size");
        settings.positiveLong("batch.timeout");
        settings.positiveLong("batch.timeout-check-interval");
        settings.oneOf("batch.timeout-mode", Set.of("max-age", "inactivity"));
        settings.text("deadletter.uri");

        PipelineRegistry stats = new PipelineRegistry();
        RecordReader reader = new RecordReader(stats);
        reader.setCsvDelimiter(settings.singleChar("source.csv.delimiter"));
        reader.setCsvMaxLinesPerRecord(settings.positiveInt("source.csv.max-lines-per-record"));
        registry.bind("recordReader", reader);
        registry.bind("batchAggregation", new BatchAggregationStrategy(stats));

        DeadLetters deadLetters = new DeadLetters();
        deadLetters.setCamelContext(context);
        registry.bind("pipelineStats", stats);
        registry.bind("deadLetters", deadLetters);
        RetryPolicy retry = new RetryPolicy(settings.positiveInt("sink.retry.max-attempts"), settings.positiveLong("sink.retry.initial-delay"),
                settings.positiveLong("sink.retry.max-delay"));
        registry.bind("writeBatch", new WriteBatchStep(stats, deadLetters, retry));
        registry.bind("awaitWritten", new AwaitWrittenStep());

        registry.bind("batchWriters", new WriterPool("batch-writer", settings.positiveInt("batch.writers"),
                settings.positiveInt("batch.queue-capacity")));
        BatchSink sink = defaultSink(context, settings, registry);
        registry.bind("batchSink", sink);
        registry.bind("batchBuffer", settings.bool("batch.durable") ? durableBuffer(context, settings, sink, retry) : new MemoryAggregationRepository());

        context.getManagementStrategy().addEventNotifier(new FlushOnStop(context));
        context.getManagementStrategy().addEventNotifier(new RunSummary(stats));
    }

    private static BatchSink defaultSink(CamelContext context, Settings settings, Registry registry) throws Exception {
        String type = settings.oneOf("sink.type", Set.of("jdbc", "file"));
        if (type.equals("file")) {
            FileBatchSink sink = new FileBatchSink();
            sink.setDirectory(settings.text("sink.file.directory"));
            sink.setFormat(settings.text("sink.file.format"));
            sink.setColumns(settings.optional("sink.file.columns"));
            sink.setFieldMap(settings.optional("transform.field-map"));
            sink.init();
            return sink;
        }
        HikariDataSource dataSource = openPool(context, settings, "sink.jdbc.url", "sink.jdbc.username", "sink.jdbc.password",
                settings.positiveInt("sink.jdbc.pool-size"));
        registry.bind("dataSource", dataSource);
        runInitScript(dataSource, settings.optional("sink.jdbc.init-script"));
        JdbcBatchSink sink = new JdbcBatchSink();
        sink.setDataSource(dataSource);
        sink.setTable(settings.text("sink.jdbc.table"));
        sink.setMode(settings.oneOf("sink.jdbc.mode", Set.of("insert", "upsert")));
        sink.setKeyColumns(settings.optional("sink.jdbc.key-columns"));
        sink.setColumns(settings.optional("sink.jdbc.columns"));
        sink.setFieldMap(settings.optional("transform.field-map"));
        sink.setCopy(settings.bool("sink.jdbc.copy"));
        sink.init();
        return sink;
    }

    /** The default pipeline's durable buffer ({@code batch.durable=true}). */
    private static DurableBatchBuffer durableBuffer(CamelContext context, Settings settings, BatchSink sink, RetryPolicy retry) {
        DurableBatchBuffer buffer = new DurableBatchBuffer("default-pipeline", bufferDatabase(context, settings, sink));
        buffer.setRetry(retry);
        buffer.setRecoveryInterval(settings.positiveLong("batch.durable.recovery-interval"));
        try {
            buffer.init();
        } catch (SQLException e) {
            throw new InvalidSettingException("batch.durable", "cannot create the buffer's tables: " + e.getMessage(), e);
        }
        return buffer;
    }

    /**
     * The durable buffer's database: {@code batch.durable.jdbc-url} when set, else the JDBC sink's own, so that a
     * batch leaves the buffer in the transaction that writes it.
     */
    private static DataSource bufferDatabase(CamelContext context, Settings settings, BatchSink sink) {
        String url = settings.optional("batch.durable.jdbc-url");
        int writers = settings.positiveInt("batch.writers");
        if (url.isEmpty() && sink instanceof JdbcBatchSink jdbc) {
            if (settings.positiveInt("sink.jdbc.pool-size") <= writers) {
                throw new InvalidSettingException("sink.jdbc.pool-size", "must be more than batch.writers (" + writers
                        + ") with batch.durable=true: the source appends to the buffer on a connection of its own");
            }
            return jdbc.dataSource();
        }
        if (url.isEmpty()) {
            throw new InvalidSettingException("batch.durable.jdbc-url", "is not set: the " + settings.optional("sink.type")
                    + " sink has no database to keep the durable buffer in; name one (e.g. jdbc:h2:file:./data/buffer/batch-buffer)");
        }
        // the source appends, each writer releases its batch, the recover task reads
        return openPool(context, settings, "batch.durable.jdbc-url", "batch.durable.jdbc-username", "batch.durable.jdbc-password",
                writers + 2);
    }

    /** A connection pool, closed after the routes have stopped, that is after the last batch is committed. */
    private static HikariDataSource openPool(CamelContext context, Settings settings, String urlKey, String userKey, String passwordKey,
            int size) {
        HikariDataSource dataSource = DataSources.create(urlKey, settings.text(urlKey), settings.optional(userKey),
                settings.optional(passwordKey), size);
        try {
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    dataSource.close();
                }
            }, true, true);
        } catch (Exception e) {
            dataSource.close();
            throw RuntimeCamelException.wrapRuntimeCamelException(e);
        }
        return dataSource;
    }

    /** Runs the optional schema script: statements separated by a semicolon at the end of a line. */
    private static void runInitScript(DataSource dataSource, String script) {
        if (script.isEmpty()) {
            return;
        }
        String sql;
        try {
            sql = Files.readString(Path.of(script));
        } catch (IOException e) {
            throw new InvalidSettingException("sink.jdbc.init-script", "cannot read " + Path.of(script).toAbsolutePath() + ": " + e.getMessage(), e);
        }
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String part : sql.split(";\\s*(\\r?\\n|$)")) {
                String stripped = part.lines().filter(l -> !l.trim().startsWith("--")).reduce("", (a, b) -> a + b + "\n").trim();
                if (!stripped.isEmpty()) {
                    statement.execute(stripped);
                }
            }
            connection.commit();
        } catch (SQLException e) {
            throw new InvalidSettingException("sink.jdbc.init-script", script + " failed: " + e.getMessage(), e);
        }
    }
}
