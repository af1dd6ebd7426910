package io.batchpipeline.config;

import java.util.Map;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.batchpipeline.common.InvalidPropertyException;
import io.batchpipeline.jdbc.DataSources;
import io.batchpipeline.sink.BatchSink;
import io.batchpipeline.sink.file.FileBatchSink;
import io.batchpipeline.sink.jdbc.JdbcBatchSink;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.support.service.ServiceSupport;

import static io.batchpipeline.config.Setting.COLUMNS;
import static io.batchpipeline.config.Setting.COPY;
import static io.batchpipeline.config.Setting.PASS_THROUGH;
import static io.batchpipeline.config.Setting.DURABLE_JDBC_PASSWORD;
import static io.batchpipeline.config.Setting.DURABLE_JDBC_URL;
import static io.batchpipeline.config.Setting.DURABLE_JDBC_USERNAME;
import static io.batchpipeline.config.Setting.FIELD_MAP;
import static io.batchpipeline.config.Setting.FILE_COLUMNS;
import static io.batchpipeline.config.Setting.FILE_DIRECTORY;
import static io.batchpipeline.config.Setting.FILE_FORMAT;
import static io.batchpipeline.config.Setting.FILE_PREFIX;
import static io.batchpipeline.config.Setting.INIT_SCRIPT;
import static io.batchpipeline.config.Setting.JDBC_PASSWORD;
import static io.batchpipeline.config.Setting.JDBC_URL;
import static io.batchpipeline.config.Setting.JDBC_USERNAME;
import static io.batchpipeline.config.Setting.KEY_COLUMNS;
import static io.batchpipeline.config.Setting.MODE;
import static io.batchpipeline.config.Setting.POOL_SIZE;
import static io.batchpipeline.config.Setting.SINK_BEAN;
import static io.batchpipeline.config.Setting.SINK_TYPE;
import static io.batchpipeline.config.Setting.TABLE;
import static io.batchpipeline.config.Setting.VERSION_COLUMN;
import static io.batchpipeline.config.Setting.WRITERS;

/**
 * A pipeline's sink and databases, from its settings. The sinks name their own properties in errors; this maps
 * each property to the setting it came from, so the message names the key or parameter the user set.
 */
final class SinkFactory {

    private static final Map<String, Setting> JDBC_PROPERTIES = Map.of("url", JDBC_URL, "table", TABLE, "mode", MODE,
            "keyColumns", KEY_COLUMNS, "versionColumn", VERSION_COLUMN, "columns", COLUMNS, "fieldMap", FIELD_MAP);
    private static final Map<String, Setting> FILE_PROPERTIES = Map.of("directory", FILE_DIRECTORY, "format", FILE_FORMAT,
            "fieldMap", FIELD_MAP);

    private final CamelContext context;
    private final Settings settings;
    private DataSource bufferDatabase;
    private JdbcBatchSink jdbcSink;

    SinkFactory(CamelContext context, Settings settings) {
        this.context = context;
        this.settings = settings;
    }

    BatchSink<?> sink() {
        return switch (settings.text(SINK_TYPE)) {
            case "file" -> fileSink();
            case "bean" -> beanSink();
            default -> jdbcSink();
        };
    }

    private BatchSink<?> fileSink() {
        FileBatchSink sink = new FileBatchSink();
        sink.setDirectory(settings.text(FILE_DIRECTORY));
        sink.setFormat(settings.text(FILE_FORMAT));
        sink.setColumns(settings.text(FILE_COLUMNS));
        sink.setPrefix(settings.text(FILE_PREFIX));
        sink.setFieldMap(settings.text(FIELD_MAP));
        sink.setPassThrough(settings.bool(PASS_THROUGH));
        return mapping(FILE_PROPERTIES, () -> {
            sink.init();
            return sink;
        });
    }

    private BatchSink<?> beanSink() {
        String name = settings.text(SINK_BEAN);
        BatchSink<?> sink = name.isEmpty() ? null : context.getRegistry().lookupByNameAndType(name, BatchSink.class);
        if (sink == null) {
            throw settings.invalid(SINK_BEAN, "no BatchSink bean named '" + name + "': declare it in routes/ (beans:) or bind it in Java", null);
        }
        return sink;
    }

    private BatchSink<?> jdbcSink() {
        HikariDataSource dataSource = openPool(JDBC_URL, JDBC_USERNAME, JDBC_PASSWORD, settings.intValue(POOL_SIZE));
        new InitScript(settings.text(INIT_SCRIPT), settings.nameOf(INIT_SCRIPT)).run(dataSource);
        JdbcBatchSink sink = new JdbcBatchSink();
        sink.setDataSource(dataSource);
        sink.setTable(settings.text(TABLE));
        sink.setMode(settings.text(MODE));
        sink.setKeyColumns(settings.text(KEY_COLUMNS));
        sink.setVersionColumn(settings.text(VERSION_COLUMN));
        sink.setColumns(settings.text(COLUMNS));
        sink.setFieldMap(settings.text(FIELD_MAP));
        sink.setCopy(settings.bool(COPY));
        sink.setPassThrough(settings.bool(PASS_THROUGH));
        jdbcSink = mapping(JDBC_PROPERTIES, () -> {
            sink.init();
            return sink;
        });
        return jdbcSink;
    }

    /**
     * The durable buffer's database: its own when {@code durableJdbcUrl} is set, else the JDBC sink's, so that a
     * batch leaves the buffer in the transaction that writes it.
     */
    DataSource bufferDatabase() {
        if (bufferDatabase == null) {
            bufferDatabase = openBufferDatabase();
        }
        return bufferDatabase;
    }

    /** Where instances coordinate (file claims): the buffer's database when it has its own, else the JDBC sink's. */
    DataSource coordinationDatabase(Setting needingIt) {
        if (!settings.text(DURABLE_JDBC_URL).isEmpty()) {
            return bufferDatabase();
        }
        if (jdbcSink == null) {
            throw settings.invalid(needingIt, "needs a database to coordinate instances in: a JDBC sink, or "
                    + settings.nameOf(DURABLE_JDBC_URL), null);
        }
        return jdbcSink.dataSource();
    }

    private DataSource openBufferDatabase() {
        String url = settings.text(DURABLE_JDBC_URL);
        int writers = settings.intValue(WRITERS);
        if (url.isEmpty() && jdbcSink != null) {
            if (settings.intValue(POOL_SIZE) <= writers) {
                throw settings.invalid(POOL_SIZE, "must be more than " + settings.nameOf(WRITERS) + " (" + writers
                        + ") with a durable buffer: the source appends to the buffer on a connection of its own", null);
            }
            return jdbcSink.dataSource();
        }
        if (url.isEmpty()) {
            throw settings.invalid(DURABLE_JDBC_URL, "is not set: the " + settings.text(SINK_TYPE)
                    + " sink has no database to keep the durable buffer in; name one (e.g. jdbc:h2:file:./data/buffer/batch-buffer)", null);
        }
        // the source appends, each writer releases its batch, the recover task reads
        return openPool(DURABLE_JDBC_URL, DURABLE_JDBC_USERNAME, DURABLE_JDBC_PASSWORD, writers + 2);
    }

    /** A connection pool, closed after the routes have stopped, that is after the last batch is committed. */
    private HikariDataSource openPool(Setting url, Setting username, Setting password, int size) {
        HikariDataSource dataSource = mapping(Map.of("url", url),
                () -> DataSources.create(settings.text(url), settings.text(username), settings.text(password), size,
                        context.getRegistry().lookupByNameAndType(PipelineConfiguration.METRICS, MeterRegistry.class)));
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

    /** Runs the work; a property it names in an error is reported as the setting that gave it. */
    private <T> T mapping(Map<String, Setting> properties, Supplier<T> work) {
        try {
            return work.get();
        } catch (InvalidPropertyException e) {
            Setting setting = properties.get(e.property());
            if (setting == null) {
                throw e;
            }
            throw settings.invalid(setting, e.problem(), e);
        }
    }
}
