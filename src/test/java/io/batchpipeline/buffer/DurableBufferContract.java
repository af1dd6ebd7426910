package io.batchpipeline.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.stream.LongStream;

import com.zaxxer.hikari.HikariDataSource;
import io.batchpipeline.batching.Batch;
import io.batchpipeline.batching.BatchAggregationStrategy;
import io.batchpipeline.batching.TimeoutMode;
import io.batchpipeline.delivery.RetryPolicy;
import io.batchpipeline.jdbc.DataSources;
import io.batchpipeline.observability.PipelineRegistry;
import io.batchpipeline.record.MalformedRecordException;
import io.batchpipeline.record.MessageFields;
import io.batchpipeline.record.RecordFormat;
import io.batchpipeline.record.Row;
import io.batchpipeline.source.BrokerMessage;
import io.batchpipeline.record.SourceRecord;
import io.batchpipeline.sink.jdbc.JdbcBatchSink;
import io.batchpipeline.source.MessageMetadata;
import io.batchpipeline.source.RecordFormats;
import io.batchpipeline.source.RecordReader;
import io.batchpipeline.source.SourceFormat;
import io.batchpipeline.support.Databases;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.nats.NatsConstants;
import org.apache.camel.component.springrabbit.SpringRabbitMQConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The durable buffer against a real database, driven through the aggregation strategy as the aggregator
 * drives it: chunks are stored as they join a batch, a batch is recoverable only once it is closed, comes
 * back exactly as it was read, and leaves the buffer in the transaction that writes it. Subclasses name the
 * database; the buffer creates its own tables in it.
 */
abstract class DurableBufferContract {

    private final String url;
    private final String user;
    private final String password;
    private final CamelContext context = new DefaultCamelContext();
    private HikariDataSource dataSource;
    private DurableBatchBuffer buffer;
    private BatchAggregationStrategy strategy;
    private RecordReader reader;
    private final List<DurableBatchBuffer> others = new ArrayList<>();

    DurableBufferContract(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    @BeforeEach
    void start() throws Exception {
        dataSource = DataSources.create(url, user, password, 4);
        Databases.dropDurableBuffer(url, user, password);
        Databases.execute(url, user, password, "DROP TABLE IF EXISTS buffered_orders", "CREATE TABLE buffered_orders (id BIGINT, customer VARCHAR(100))");
        buffer = instance("instance-a");
        strategy = strategy(buffer);
        reader = new RecordReader(SourceFormat.CSV, StandardCharsets.UTF_8, 1 << 20, ',', 1000, strategy, buffer.progress(), MessageMetadata.NONE);
    }

    @AfterEach
    void stop() {
        buffer.stop();
        others.forEach(DurableBatchBuffer::stop);
        dataSource.close();
    }

    /** An instance of the pipeline sharing the buffer's tables, started as the aggregator starts it. */
    private DurableBatchBuffer instance(String name) throws Exception {
        return instance(name, 600);
    }

    private DurableBatchBuffer instance(String name, long leaseMillis) throws Exception {
        DurableBatchBuffer instance = new DurableBatchBuffer("orders-pipeline", dataSource, new RetryPolicy(3, 10, 100), 5000, name, leaseMillis);
        instance.createTables();
        instance.start();
        if (buffer != null) {
            others.add(instance);
        }
        return instance;
    }

    @Test
    void aClosedBatchComesBackAsItWasRead() {
        // semicolon-separated, with a quoted header name and a record spanning two lines
        RecordFormat csv = RecordFormats.ofSpec("csv;id;\"customer; name\"");
        List<SourceRecord> first = List.of(record(csv, 2, "1;ann"), record(csv, 3, "2;\"bob\nsmith\""));
        List<SourceRecord> second = List.of(record(csv, 5, "3;cy"));

        Exchange batchExchange = stored(strategy.aggregate(null, chunk(first)));
        Batch batch = batchExchange.getMessage().getBody(Batch.class);
        assertThat(buffer.scan(context)).as("a batch still filling is never recovered").isEmpty();
        stored(strategy.aggregate(batchExchange, chunk(second)));
        strategy.onCompletion(batchExchange);

        assertThat(buffer.scan(context)).containsExactly(batch.id());
        Exchange recovered = buffer.recover(context, batch.id());
        assertThat(recovered.getExchangeId()).as("Camel confirms a recovered batch by this id").isEqualTo(batch.id());
        List<SourceRecord> records = recovered.getMessage().getBody(Batch.class).records();
        assertThat(records).extracting(SourceRecord::line).containsExactly(2L, 3L, 5L);
        assertThat(records).extracting(SourceRecord::source).containsOnly("orders.csv");
        assertThat(records).extracting(r -> r.fields().get("customer; name")).containsExactly("ann", "bob\nsmith", "cy");
    }

    /** A Kafka poll's records share a chunk: each comes back with its own message's name and fields. */
    @Test
    void recordsOfSeveralMessagesInOneChunkComeBackEachWithItsOwnSourceAndFields() {
        RecordFormat json = RecordFormats.ofSpec("jsonl");
        List<SourceRecord> poll = List.of(
                new SourceRecord("kafka:orders message orders-0@7", 1, "{\"id\":1}", new MessageFields(Map.of("offset", 7L)).addTo(json), null),
                new SourceRecord("kafka:orders message orders-0@8", 1, "{\"id\":2}", new MessageFields(Map.of("offset", 8L)).addTo(json), null),
                new SourceRecord("kafka:orders message orders-0@9", 1, "", RecordFormats.ofSpec("unreadable:the body is empty"), null));
        Batch batch = closedBatch(poll);

        List<SourceRecord> records = buffer.recover(context, batch.id()).getMessage().getBody(Batch.class).records();

        assertThat(records).extracting(SourceRecord::source)
                .containsExactly("kafka:orders message orders-0@7", "kafka:orders message orders-0@8", "kafka:orders message orders-0@9");
        assertThat(records.get(0).fields()).isEqualTo(Map.of("id", 1L, "offset", 7L));
        assertThat(records.get(1).fields()).isEqualTo(Map.of("id", 2L, "offset", 8L));
        assertThatThrownBy(records.get(2)::parse).isInstanceOf(MalformedRecordException.class).hasMessage("the body is empty");
    }

    @Test
    void jsonLinesComeBackWithExactDecimals() {
        Exchange batchExchange = stored(strategy.aggregate(null, chunk(List.of(record(RecordFormats.ofSpec("jsonl"), 7, "{\"id\":1,\"amount\":0.1}")))));
        strategy.onCompletion(batchExchange);
        String id = batchExchange.getMessage().getBody(Batch.class).id();

        SourceRecord recovered = buffer.recover(context, id).getMessage().getBody(Batch.class).records().get(0);

        assertThat(recovered.line()).isEqualTo(7);
        assertThat(recovered.fields()).containsEntry("amount", new BigDecimal("0.1"));
    }

    @Test
    void aWrittenBatchLeavesTheBufferInItsOwnTransactionSoItIsNeverWrittenTwice() throws Exception {
        JdbcBatchSink sink = sink();
        Batch batch = closedBatch(tenRecords());
        List<Row<Object[]>> rows = rows(sink, tenRecords());

        sink.write(rows, buffer.journal().release(batch));
        assertThat(buffer.scan(context)).as("released with the write").isEmpty();
        // a retry after a commit whose acknowledgement was lost, or a recovery racing the first write
        sink.write(rows, buffer.journal().release(batch));

        assertThat(Databases.count(url, user, password, "SELECT COUNT(*) FROM buffered_orders")).isEqualTo(10);
    }

    @Test
    void aBatchWhoseWriteRolledBackStaysInTheBuffer() throws Exception {
        RecordFormat csv = RecordFormats.ofSpec("csv,id,customer");
        Exchange batchExchange = stored(strategy.aggregate(null, chunk(List.of(record(csv, 2, "1,ann")))));
        strategy.onCompletion(batchExchange);
        Batch batch = batchExchange.getMessage().getBody(Batch.class);

        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            assertThat(buffer.journal().release(batch).run(connection)).isTrue();
            connection.rollback();
        }

        assertThat(buffer.scan(context)).containsExactly(batch.id());
        assertThat(buffer.confirmWithResult(context, batch.id())).isTrue();
        assertThat(buffer.scan(context)).isEmpty();
        assertThat(buffer.recover(context, batch.id())).as("gone once confirmed").isNull();
    }

    @Test
    void aFileReadAgainAfterACrashResumesAfterItsStoredRecords() throws Exception {
        Exchange file = chunk(List.of());
        file.getMessage().setHeaders(Map.of(Exchange.FILE_NAME, "orders.csv", Exchange.FILE_LENGTH, 52L, Exchange.FILE_LAST_MODIFIED, 1764000000000L));
        file.getMessage().setBody("id,customer\n1,ann\n2,bob\n3,cy\n4,di\n5,ed\n");
        RecordFormat csv = RecordFormats.ofSpec("csv,id,customer");
        Exchange stored = chunk(List.of(record(csv, 2, "1,ann"), record(csv, 3, "2,bob")));
        stored.getMessage().setHeaders(file.getMessage().getHeaders());
        stored(strategy.aggregate(null, stored)); // stored, then the process died

        assertThat(readLines(file)).as("the records after line 3").containsExactly(4L, 5L, 6L);
        buffer.progress().forget(file).run();
        // forgotten with the buffer's next append, or within its idle interval
        await().atMost(Duration.ofSeconds(10)).until(() -> buffer.progress().storedThrough(file) == 0);
    }

    @Test
    void aMessageDeliveredAgainResumesAfterItsStoredRecordsButANewOneWithTheSameIdIsReadWhole() throws Exception {
        RecordFormat csv = RecordFormats.ofSpec("csv,id,customer");
        Exchange stored = chunk(List.of(record(csv, 2, "1,ann"), record(csv, 3, "2,bob")));
        stored.getMessage().setHeader(SpringRabbitMQConstants.MESSAGE_ID, "order-batch-7");
        stored(strategy.aggregate(null, stored)); // stored, then the process died before the message was acknowledged

        assertThat(readLines(message("order-batch-7", true))).as("delivered again").containsExactly(4L, 5L, 6L);
        assertThat(readLines(message("order-batch-7", false))).as("a new message").containsExactly(2L, 3L, 4L, 5L, 6L);
        assertThat(readLines(message(null, true))).as("no id: nothing to go by").containsExactly(2L, 3L, 4L, 5L, 6L);
        buffer.progress().forget(message("order-batch-7", true)).run();
        await().atMost(Duration.ofSeconds(10)).until(() -> buffer.progress().storedThrough(message("order-batch-7", true)) == 0);
        assertThat(readLines(message("order-batch-7", true))).as("forgotten once acknowledged").containsExactly(2L, 3L, 4L, 5L, 6L);
    }

    @Test
    void aJetStreamMessageDeliveredAgainResumesAfterItsStoredRecords() throws Exception {
        String ackSubject = "$JS.ACK.ORDERS.loader.1.4711.12.1764500000000000000.0";
        RecordFormat csv = RecordFormats.ofSpec("csv,id,customer");
        Exchange stored = chunk(List.of(record(csv, 2, "1,ann"), record(csv, 3, "2,bob")));
        stored.getMessage().setHeader(NatsConstants.NATS_REPLY_TO, ackSubject);
        stored(strategy.aggregate(null, stored)); // stored, then the process died before the message was acknowledged

        Exchange again = message(null, false);
        again.getMessage().setHeader(NatsConstants.NATS_REPLY_TO, ackSubject.replace(".1.4711.", ".2.4711."));
        assertThat(readLines(again)).as("its first delivery was not counted as one before").containsExactly(2L, 3L, 4L, 5L, 6L);
        BrokerMessage.deliveredBefore(again);
        assertThat(readLines(again)).as("delivered again: the same stream and sequence").containsExactly(4L, 5L, 6L);
    }

    private Exchange message(String id, boolean redelivered) {
        Exchange message = chunk(List.of());
        message.getMessage().setBody("id,customer\n1,ann\n2,bob\n3,cy\n4,di\n5,ed\n".getBytes(StandardCharsets.UTF_8));
        message.getMessage().setHeader(SpringRabbitMQConstants.MESSAGE_ID, id);
        message.getMessage().setHeader(SpringRabbitMQConstants.REDELIVERED, redelivered);
        return message;
    }

    private List<Long> readLines(Exchange source) throws Exception {
        List<Long> lines = new ArrayList<>();
        reader.read(source).forEachRemaining(chunk -> chunk.forEach(record -> lines.add(record.line())));
        return lines;
    }

    @Test
    void anotherInstanceLeavesABatchAloneWhileItsOwnerHoldsItsLeaseAndTakesItOnceTheOwnerStops() throws Exception {
        DurableBatchBuffer other = instance("instance-b");
        Batch batch = closedBatch(List.of(record(RecordFormats.ofSpec("csv,id,customer"), 2, "1,ann")));

        assertThat(other.scan(context)).as("the owner's lease is live").isEmpty();
        assertThat(buffer.scan(context)).containsExactly(batch.id());

        buffer.stop(); // ends the lease: what is left may be taken at once
        assertThat(other.scan(context)).containsExactly(batch.id());
        assertThat(other.recover(context, batch.id()).getMessage().getBody(Batch.class).records())
                .extracting(SourceRecord::raw).containsExactly("1,ann");
        assertThat(instance("instance-c").scan(context)).as("taken by one survivor only").isEmpty();
    }

    @Test
    void anInstanceStalledPastItsLeaseLosesItsBatchToAnotherYetTheBatchIsWrittenOnce() throws Exception {
        // renewed every 20 s: it cannot renew within this test, as a stalled process would not
        DurableBatchBuffer stalled = instance("instance-s", 60_000);
        JdbcBatchSink sink = sink();
        RecordFormat csv = RecordFormats.ofSpec("csv,id,customer");
        List<SourceRecord> records = LongStream.rangeClosed(1, 10).mapToObj(id -> record(csv, id + 1, id + "," + id)).toList();
        Batch batch = closedBatch(strategy(stalled), records);
        Databases.execute(url, user, password, "UPDATE batch_pipeline_owners SET lease_until = 0 WHERE owner = 'instance-s'");

        assertThat(buffer.scan(context)).containsExactly(batch.id());
        Batch taken = buffer.recover(context, batch.id()).getMessage().getBody(Batch.class);
        sink.write(rows(sink, records), stalled.journal().release(batch)); // the stalled owner wakes up and writes: rolled back
        assertThat(Databases.count(url, user, password, "SELECT COUNT(*) FROM buffered_orders")).isZero();
        sink.write(rows(sink, taken.records()), buffer.journal().release(taken));

        assertThat(Databases.count(url, user, password, "SELECT COUNT(*) FROM buffered_orders")).isEqualTo(10);
        assertThat(buffer.scan(context)).isEmpty();
        assertThat(stalled.scan(context)).isEmpty();
    }

    /** The buffer stores chunks in the background: the test goes on once this one is stored, as a writer would. */
    private static Exchange stored(Exchange batchExchange) {
        batchExchange.getMessage().getBody(Batch.class).stored().all().join();
        return batchExchange;
    }

    /** Stores a batch of ten records and writes it, which releases its chunks; returns what the next look finds to recover. */
    protected Set<String> storeWriteAndLookAgain() throws Exception {
        JdbcBatchSink sink = sink();
        sink.write(rows(sink, tenRecords()), buffer.journal().release(closedBatch(tenRecords())));
        return buffer.scan(context);
    }

    private static List<SourceRecord> tenRecords() {
        RecordFormat csv = RecordFormats.ofSpec("csv,id,customer");
        return LongStream.rangeClosed(1, 10).mapToObj(id -> record(csv, id + 1, id + ",c" + id)).toList();
    }

    private Batch closedBatch(List<SourceRecord> records) {
        return closedBatch(strategy, records);
    }

    private Batch closedBatch(BatchAggregationStrategy batches, List<SourceRecord> records) {
        Exchange batchExchange = stored(batches.aggregate(null, chunk(records)));
        batches.onCompletion(batchExchange);
        return batchExchange.getMessage().getBody(Batch.class);
    }

    private static BatchAggregationStrategy strategy(DurableBatchBuffer instance) {
        return new BatchAggregationStrategy(3, 1 << 24, 1000, TimeoutMode.MAX_AGE, instance.journal(), new PipelineRegistry().of("orders-pipeline"));
    }

    private JdbcBatchSink sink() throws Exception {
        JdbcBatchSink sink = new JdbcBatchSink();
        sink.setDataSource(dataSource);
        sink.setTable("buffered_orders");
        sink.init();
        return sink;
    }

    private static List<Row<Object[]>> rows(JdbcBatchSink sink, List<SourceRecord> records) throws Exception {
        List<Row<Object[]>> rows = new ArrayList<>();
        for (SourceRecord record : records) {
            rows.add(sink.convert(record, record.parse()));
        }
        return rows;
    }

    private static SourceRecord record(RecordFormat format, long line, String raw) {
        return new SourceRecord("orders.csv", line, raw, format, null);
    }

    private Exchange chunk(List<SourceRecord> records) {
        Exchange exchange = new DefaultExchange(context);
        exchange.getMessage().setBody(records);
        return exchange;
    }
}
