package io.batchpipeline.config;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

import io.batchpipeline.batching.BatchAggregationStrategy;
import io.batchpipeline.batching.BatchJournal;
import io.batchpipeline.batching.PendingWrites;
import io.batchpipeline.batching.TimeoutMode;
import io.batchpipeline.batching.WriterPool;
import io.batchpipeline.buffer.DurableBatchBuffer;
import io.batchpipeline.common.Errors;
import io.batchpipeline.coordination.FileClaims;
import io.batchpipeline.coordination.InstanceName;
import io.batchpipeline.deadletter.DeadLetters;
import io.batchpipeline.delivery.RetryPolicy;
import io.batchpipeline.observability.BufferDepth;
import io.batchpipeline.observability.PipelineMetrics;
import io.batchpipeline.observability.PipelineRegistry;
import io.batchpipeline.observability.PipelineStats;
import io.batchpipeline.observability.SinkHealth;
import io.batchpipeline.sink.BatchSink;
import io.batchpipeline.source.FileSource;
import io.batchpipeline.source.JmsAcknowledgement;
import io.batchpipeline.source.KafkaOffsets;
import io.batchpipeline.source.KafkaSource;
import io.batchpipeline.source.MessageMetadata;
import io.batchpipeline.source.MqttSource;
import io.batchpipeline.source.NatsSource;
import io.batchpipeline.source.RabbitMqAcknowledgement;
import io.batchpipeline.source.RabbitMqQueues;
import io.batchpipeline.source.RecordReader;
import io.batchpipeline.source.SourceConnection;
import io.batchpipeline.source.SourceFormat;
import io.batchpipeline.source.SourceProgress;
import io.batchpipeline.steps.AwaitWrittenStep;
import io.batchpipeline.steps.HttpAdmission;
import io.batchpipeline.steps.WriteBatchStep;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Endpoint;
import org.apache.camel.Expression;
import org.apache.camel.Predicate;
import org.apache.camel.processor.aggregate.MemoryAggregationRepository;
import org.apache.camel.spi.AggregationRepository;

import static io.batchpipeline.config.Setting.BATCH_MAX_BYTES;
import static io.batchpipeline.config.Setting.BATCH_SIZE;
import static io.batchpipeline.config.Setting.BATCH_TIMEOUT;
import static io.batchpipeline.config.Setting.CSV_DELIMITER;
import static io.batchpipeline.config.Setting.CSV_MAX_LINES;
import static io.batchpipeline.config.Setting.DEAD_LETTER_URI;
import static io.batchpipeline.config.Setting.DURABLE;
import static io.batchpipeline.config.Setting.INSTANCE_LEASE;
import static io.batchpipeline.config.Setting.INSTANCE_NAME;
import static io.batchpipeline.config.Setting.MAX_RECORD_BYTES;
import static io.batchpipeline.config.Setting.METADATA;
import static io.batchpipeline.config.Setting.QUEUE_CAPACITY;
import static io.batchpipeline.config.Setting.RECOVERY_INTERVAL;
import static io.batchpipeline.config.Setting.RETRY_INITIAL_DELAY;
import static io.batchpipeline.config.Setting.RETRY_MAX_ATTEMPTS;
import static io.batchpipeline.config.Setting.RETRY_MAX_DELAY;
import static io.batchpipeline.config.Setting.SHARED_FOLDER;
import static io.batchpipeline.config.Setting.SOURCE_CHARSET;
import static io.batchpipeline.config.Setting.SOURCE_URI;
import static io.batchpipeline.config.Setting.SOURCE_FORMAT;
import static io.batchpipeline.config.Setting.TIMEOUT_CHECK_INTERVAL;
import static io.batchpipeline.config.Setting.TIMEOUT_MODE;
import static io.batchpipeline.config.Setting.WRITERS;

/**
 * One pipeline's parts, created by the route template ({@code routes/batch-pipeline-template.yaml}) as a local
 * bean of each templated route, from that route's parameters: the reader, the aggregation strategy, the buffer
 * (in memory or durable), the writer pool, the sink and the steps. The template refers to each part through the
 * static methods below, so every pipeline has its own and nothing is looked up by a name carried on an exchange.
 */
public final class Pipeline implements CamelContextAware {

    private CamelContext context;
    private Parts parts;

    /** What the route refers to. */
    private record Parts(String name, PipelineStats stats, HttpAdmission admission, RecordReader reader, BatchAggregationStrategy batches,
            AggregationRepository buffer, WriterPool writers, WriteBatchStep<?> writeBatch, AwaitWrittenStep awaitWritten) {
    }

    public static HttpAdmission admission(Pipeline pipeline) {
        return pipeline.parts().admission();
    }

    public static RecordReader reader(Pipeline pipeline) {
        return pipeline.parts().reader();
    }

    public static BatchAggregationStrategy batches(Pipeline pipeline) {
        return pipeline.parts().batches();
    }

    public static Predicate batchFull(Pipeline pipeline) {
        return pipeline.parts().batches().fullPredicate();
    }

    public static Expression batchDeadline(Pipeline pipeline) {
        return pipeline.parts().batches().deadlineExpression();
    }

    public static AggregationRepository buffer(Pipeline pipeline) {
        return pipeline.parts().buffer();
    }

    public static WriterPool writers(Pipeline pipeline) {
        return pipeline.parts().writers();
    }

    public static WriteBatchStep<?> writeBatch(Pipeline pipeline) {
        return pipeline.parts().writeBatch();
    }

    public static AwaitWrittenStep awaitWritten(Pipeline pipeline) {
        return pipeline.parts().awaitWritten();
    }

    public String name() {
        return parts().name();
    }

    public WriterPool writers() {
        return parts().writers();
    }

    public PipelineStats stats() {
        return parts().stats();
    }

    /** Built on first use, which is while Camel creates the pipeline's route: its parameters are readable only then. */
    private synchronized Parts parts() {
        if (parts == null) {
            String name = context.getCamelContextExtension().getCreateRoute();
            if (name == null) {
                throw new IllegalStateException(getClass().getName() + " is created by the route template batch-pipeline, for one templatedRoute");
            }
            parts = assemble(name, Settings.pipeline(context.getPropertiesComponent(), name));
            context.getRegistry().lookupByNameAndType(PipelineConfiguration.PIPELINES, Pipelines.class).add(name, this);
        }
        return parts;
    }

    private Parts assemble(String name, Settings settings) {
        // what needs no connection is checked first
        Charset charset = charset(settings);
        char delimiter = csvDelimiter(settings);
        MessageMetadata metadata = metadata(settings);
        settings.validate(TIMEOUT_CHECK_INTERVAL); // the route template reads it as a placeholder
        FileEndpointFolder.require(settings, SOURCE_URI, false);
        FileEndpointFolder.require(settings, DEAD_LETTER_URI, true);
        PipelineStats stats = context.getRegistry().lookupByNameAndType(PipelineConfiguration.STATS, PipelineRegistry.class).of(name);
        SinkHealth health = new SinkHealth();
        RetryPolicy retry = new RetryPolicy(settings.intValue(RETRY_MAX_ATTEMPTS), settings.longValue(RETRY_INITIAL_DELAY),
                settings.longValue(RETRY_MAX_DELAY), health);
        SinkFactory sinks = new SinkFactory(context, settings);
        BatchSink<?> sink = sinks.sink();
        // looked up only when needed: the host name can take a while to resolve where DNS is slow
        String instance = settings.bool(DURABLE) || settings.bool(SHARED_FOLDER) ? InstanceName.of(settings.text(INSTANCE_NAME)) : null;
        DurableBatchBuffer durable = settings.bool(DURABLE) ? durableBuffer(name, instance, settings, sinks, retry) : null;
        if (settings.bool(SHARED_FOLDER)) {
            shareFolder(name, instance, settings, sinks);
        }
        BatchJournal journal = durable != null ? durable.journal() : BatchJournal.NONE;
        SourceProgress progress = durable != null ? durable.progress() : SourceProgress.NONE;

        BatchAggregationStrategy batches = new BatchAggregationStrategy(settings.intValue(BATCH_SIZE), settings.intValue(BATCH_MAX_BYTES), settings.longValue(BATCH_TIMEOUT),
                TimeoutMode.of(settings.text(TIMEOUT_MODE)), journal, stats);
        SourceFormat format = SourceFormat.of(settings.text(SOURCE_FORMAT));
        RecordReader reader = new RecordReader(format, charset, settings.intValue(MAX_RECORD_BYTES), delimiter,
                settings.intValue(CSV_MAX_LINES), batches, progress, metadata);
        WriterPool writers = new WriterPool(name + "-writer", settings.intValue(WRITERS), settings.intValue(QUEUE_CAPACITY));
        Endpoint source = context.getEndpoint(settings.text(SOURCE_URI));
        // bus messages in flight until written: enough of them to fill every batch the hand-off holds
        long inFlight = (long) settings.intValue(BATCH_SIZE) * (settings.intValue(WRITERS) + settings.intValue(QUEUE_CAPACITY) + 2);
        RabbitMqAcknowledgement.configure(source, inFlight);
        KafkaOffsets offsets = configureSource(settings, source, inFlight);
        PendingWrites.watch(context, source, writers, batches);
        DeadLetters deadLetters = context.getRegistry().lookupByNameAndType(PipelineConfiguration.DEAD_LETTERS, DeadLetters.class);
        WriteBatchStep<?> writeBatch = new WriteBatchStep<>(name, sink, journal, retry, deadLetters, settings.text(DEAD_LETTER_URI), stats);
        PipelineObservers.watch(context, stats, sink, health, SourceConnection.watch(context, source)::downReason,
                new PipelineMetrics.Gauges(batches::openRecords, writers::busyWriters, settings.intValue(WRITERS), writers::waitedForRoomNanos,
                        durable != null ? durable : BufferDepth.NONE, FileEndpointFolder.waitingFiles(settings, SOURCE_URI)));
        return new Parts(name, stats, new HttpAdmission(writers, format), reader, batches, durable != null ? durable : new MemoryAggregationRepository(), writers, writeBatch,
                new AwaitWrittenStep(durable != null, progress, offsets));
    }

    private static MessageMetadata metadata(Settings settings) {
        try {
            return MessageMetadata.parse(settings.text(METADATA));
        } catch (IllegalArgumentException e) {
            throw settings.invalid(METADATA, e.getMessage(), e);
        }
    }

    /**
     * Sets a folder source up to poll at once, a bus source up to acknowledge only what is written, and refuses one that
     * cannot be consumed safely (or at all: a RabbitMQ queue that is not there); returns the Kafka offsets, or null.
     */
    private KafkaOffsets configureSource(Settings settings, Endpoint source, long inFlight) {
        try {
            FileSource.configure(source);
            RabbitMqQueues.requireExisting(source);
            MqttSource.configure(source);
            NatsSource.configure(context, source, inFlight);
            JmsAcknowledgement.configure(context, source);
            return KafkaSource.configure(context, source);
        } catch (IllegalArgumentException e) {
            throw settings.invalid(SOURCE_URI, e.getMessage(), e);
        }
    }

    /** Records are cut at line breaks and quotes found as bytes, so the charset must write them as ASCII does. */
    private static Charset charset(Settings settings) {
        String name = settings.text(SOURCE_CHARSET);
        Charset charset;
        try {
            charset = Charset.forName(name);
        } catch (IllegalArgumentException e) {
            throw settings.invalid(SOURCE_CHARSET, "unknown charset '" + name + "' (UTF-8, ISO-8859-1, windows-1252, ...)", e);
        }
        String ascii = "\n\r\",;\t|az09";
        if (!charset.canEncode() || !new String(ascii.getBytes(charset), StandardCharsets.US_ASCII).equals(ascii)) {
            throw settings.invalid(SOURCE_CHARSET, charset.name() + " does not write ASCII as ASCII: use UTF-8, ISO-8859-1, windows-1252, ...", null);
        }
        return charset;
    }

    /** A quote or a line break as the delimiter would make every record unreadable: refused at startup. */
    private static char csvDelimiter(Settings settings) {
        char delimiter = settings.character(CSV_DELIMITER);
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
            throw settings.invalid(CSV_DELIMITER, "cannot be the quote character or a line break", null);
        }
        return delimiter;
    }

    private static DurableBatchBuffer durableBuffer(String name, String instance, Settings settings, SinkFactory sinks, RetryPolicy retry) {
        DurableBatchBuffer buffer = new DurableBatchBuffer(name, sinks.bufferDatabase(), retry, settings.longValue(RECOVERY_INTERVAL),
                instance, settings.longValue(INSTANCE_LEASE));
        try {
            buffer.createTables();
        } catch (SQLException e) {
            throw settings.invalid(DURABLE, "cannot create the buffer's tables: " + e.getMessage(), e);
        }
        return buffer;
    }

    /** Files of the source folder are claimed in the database before they are read, so that each instance reads its own. */
    private void shareFolder(String name, String instance, Settings settings, SinkFactory sinks) {
        FileClaims claims = new FileClaims(name, instance, sinks.coordinationDatabase(SHARED_FOLDER), settings.longValue(INSTANCE_LEASE));
        try {
            claims.createTable();
            claims.claimFilesOf(context.getEndpoint(settings.text(SOURCE_URI)));
            context.addService(claims); // stopped with the context, after the routes: then its claims are given back
            claims.start();
        } catch (SQLException | IllegalArgumentException e) {
            throw settings.invalid(SHARED_FOLDER, e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot add the file claims of pipeline " + name + ": " + Errors.describe(e), e);
        }
    }

    @Override
    public void setCamelContext(CamelContext context) {
        this.context = context;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }
}
