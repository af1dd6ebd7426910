package io.batchpipeline.bench;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import io.batchpipeline.support.TestKafka;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Buses into PostgreSQL: the benchmark's orders as JSON records, one per message and 500 per message, on Kafka (a
 * broker started in the benchmark's JVM) and RabbitMQ (with --rabbitmq), in memory and durable mode; beside each,
 * a plain client of that broker consuming the same messages with the same acknowledgement and doing nothing else,
 * and the same records from a file.
 */
final class BusLoad {

    /** The jar's command line: its work folder, source and extra settings. */
    interface JarCommand {
        List<String> build(Path work, String sourceUri, List<String> settings);
    }

    /** The first part of each load, which warms the JIT compiler, left out of the rate once warm. */
    static final double WARM_UP_SHARE = 0.2;

    private static final Pattern LATENESS = Pattern.compile("timeout batches closed p50 (\\d+) ms / p99 (\\d+) ms");

    private final BenchDatabase db;
    private final Path out;
    private final JarCommand jar;
    private final List<String> records;

    BusLoad(BenchDatabase db, Path out, Path csv, int messages, JarCommand jar) throws IOException {
        this.db = db;
        this.out = out;
        this.jar = jar;
        this.records = jsonRecords(csv, messages);
    }

    /** The records as one JSON lines file, read by the jar from a folder. */
    Benchmark.Sample file(boolean durable) throws Exception {
        db.recreateTable();
        Path work = Files.createTempDirectory(out, "bus-file-");
        Path input = Files.createDirectories(work.resolve("input"));
        Files.write(input.resolve("orders.jsonl"), records, StandardCharsets.UTF_8);
        return runJar(work, "file:" + input + "?move=.done", durable, List.of());
    }

    /** The records on a fresh topic of 3 partitions, {@code perMessage} to a message, read by the jar. */
    Benchmark.Sample kafka(int perMessage, boolean durable) throws Exception {
        db.recreateTable();
        String topic = "bench-" + System.nanoTime();
        TestKafka.createTopic(topic, 3);
        List<String> messages = messages(perMessage);
        TestKafka.send(topic, 0, messages.size() - 1, n -> messages.get((int) n));
        return runJar(Files.createTempDirectory(out, "bus-kafka-"), "kafka:" + topic + "?brokers=" + TestKafka.bootstrapServers()
                + "&groupId=" + topic, durable, List.of());
    }

    /** A plain Kafka consumer of the same messages, committing after each poll as the pipeline does; rows/s is records/s. */
    Benchmark.Sample kafkaLimit(int perMessage) throws Exception {
        String topic = "bench-" + System.nanoTime();
        TestKafka.createTopic(topic, 3);
        List<String> messages = messages(perMessage);
        TestKafka.send(topic, 0, messages.size() - 1, n -> messages.get((int) n));
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, topic);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        long received = 0;
        long first = 0;
        long warmFrom = 0;
        long warmAt = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
            consumer.subscribe(List.of(topic));
            while (received < messages.size()) {
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(500));
                if (!polled.isEmpty() && first == 0) {
                    first = System.nanoTime();
                }
                received += polled.count();
                if (warmAt == 0 && received >= warmUp(messages.size())) {
                    warmFrom = received;
                    warmAt = System.nanoTime();
                }
                consumer.commitAsync();
            }
            consumer.commitSync();
        }
        long end = System.nanoTime();
        return new Benchmark.Sample(records.size() / ((end - first) / 1e9), Double.NaN, -1, -1)
                .withWarmRate((messages.size() - warmFrom) * (double) perMessage / ((end - warmAt) / 1e9));
    }

    /** The records on a fresh RabbitMQ queue, {@code perMessage} to a persistent message, read by the jar. */
    Benchmark.Sample rabbitMq(String host, int perMessage, boolean durable) throws Exception {
        db.recreateTable();
        String queue = "batch-pipeline-bench-" + System.nanoTime();
        try (Connection connection = rabbit(host); Channel channel = connection.createChannel()) {
            publish(channel, queue, perMessage);
            Benchmark.Sample sample = runJar(Files.createTempDirectory(out, "bus-rabbitmq-"), "spring-rabbitmq:default?queues=" + queue
                    + "&autoDeclare=false", durable, List.of(
                    "-Dcamel.beans.rabbitConnectionFactory=#class:org.springframework.amqp.rabbit.connection.CachingConnectionFactory",
                    "-Dcamel.beans.rabbitConnectionFactory.host=" + host,
                    "-Dcamel.component.spring-rabbitmq.connection-factory=#bean:rabbitConnectionFactory"));
            channel.queueDelete(queue);
            return sample;
        }
    }

    /** A plain RabbitMQ consumer of the same messages, acknowledging each, with a prefetch of 8,000; rows/s is records/s. */
    Benchmark.Sample rabbitMqLimit(String host, int perMessage) throws Exception {
        String queue = "batch-pipeline-bench-" + System.nanoTime();
        try (Connection connection = rabbit(host); Channel channel = connection.createChannel()) {
            int messages = publish(channel, queue, perMessage);
            CountDownLatch done = new CountDownLatch(messages);
            AtomicLong first = new AtomicLong();
            AtomicLong warmAt = new AtomicLong();
            long warmUp = warmUp(messages);
            channel.basicQos(8_000);
            channel.basicConsume(queue, false, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) throws IOException {
                    first.compareAndSet(0, System.nanoTime());
                    getChannel().basicAck(envelope.getDeliveryTag(), false);
                    done.countDown();
                    if (messages - done.getCount() == warmUp) {
                        warmAt.set(System.nanoTime());
                    }
                }
            });
            if (!done.await(600, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the plain consumer did not receive every message");
            }
            long end = System.nanoTime();
            double rate = records.size() / ((end - first.get()) / 1e9);
            channel.queueDelete(queue);
            return new Benchmark.Sample(rate, Double.NaN, -1, -1)
                    .withWarmRate((messages - warmUp) * (double) perMessage / ((end - warmAt.get()) / 1e9));
        }
    }

    /**
     * One record per message sent at {@code perSecond} to a topic for {@code seconds}, into batches far larger than
     * that pace fills: every batch closes on its 200 ms deadline while the consumer is busy. Returns p50 and p99 of
     * how late they closed, from the jar's summary; in memory or with the durable buffer.
     */
    long[] kafkaLateness(int perSecond, int seconds, boolean durable) throws Exception {
        db.recreateTable();
        String topic = "bench-lateness-" + System.nanoTime();
        TestKafka.createTopic(topic, 3);
        Path work = Files.createTempDirectory(out, "bus-lateness-");
        List<String> command = idle(jar.build(work, "kafka:" + topic + "?brokers=" + TestKafka.bootstrapServers() + "&groupId=" + topic,
                List.of("-Dsource.format=jsonl", "-Dbatch.size=100000", "-Dbatch.timeout=200", "-Dbatch.durable=" + durable)), 10);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("pipeline.log").toFile()).start();
        Thread.sleep(5_000); // started and in its group, well before its 10 idle seconds end it
        long start = System.nanoTime();
        int sent = 0;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(seconds)) {
            int due = (int) Math.min(records.size(), (System.nanoTime() - start) / 1e9 * perSecond);
            if (due > sent) {
                int from = sent;
                TestKafka.send(topic, from, due - 1, n -> records.get((int) n));
                sent = due;
            }
            Thread.sleep(20);
        }
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the lateness run did not end");
        }
        String log = Files.readString(work.resolve("pipeline.log"));
        Matcher m = LATENESS.matcher(log);
        if (!m.find() || db.countAndSpan()[0] != sent) {
            throw new IllegalStateException("the lateness run did not write the " + sent + " records sent:\n" + log);
        }
        return new long[] {sent, Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    private Benchmark.Sample runJar(Path work, String sourceUri, boolean durable, List<String> settings) throws Exception {
        List<String> all = new ArrayList<>(settings);
        all.add("-Dsource.format=jsonl");
        all.add("-Dbatch.durable=" + durable);
        List<String> command = idle(jar.build(work, sourceUri, all), 6);
        ProcessProbe.Result result = ProcessProbe.run(command, Map.of(), work.resolve("gc.log"), work.resolve("pipeline.log"), 3600);
        double[] countAndSpan = db.countAndSpan();
        if (result.exitCode() != 0 || countAndSpan[0] != records.size()) {
            throw new IllegalStateException("expected " + records.size() + " rows, found " + (long) countAndSpan[0] + " (exit "
                    + result.exitCode() + ")");
        }
        return new Benchmark.Sample(countAndSpan[0] / countAndSpan[1], result.cpuSeconds(), result.peakHeapAfterGcMb(), result.peakRssMb())
                .withWarmRate(db.rateAfter(warmUp(records.size())));
    }

    private static long warmUp(long count) {
        return (long) (count * WARM_UP_SHARE);
    }

    /** A bus consumer joins its group or queue before its first message: a longer idle time before the jar exits. */
    private static List<String> idle(List<String> command, int seconds) {
        return command.stream().map(a -> a.startsWith("-Dcamel.main.duration-max-idle-seconds=") ? a.replaceAll("=\\d+$", "=" + seconds) : a).toList();
    }

    private int publish(Channel channel, String queue, int perMessage) throws IOException {
        channel.queueDeclare(queue, true, false, false, null);
        List<String> messages = messages(perMessage);
        for (String message : messages) {
            channel.basicPublish("", queue, MessageProperties.PERSISTENT_BASIC, message.getBytes(StandardCharsets.UTF_8));
        }
        return messages.size();
    }

    private static Connection rabbit(String host) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(host);
        return factory.newConnection();
    }

    private List<String> messages(int perMessage) {
        List<String> messages = new ArrayList<>(records.size() / perMessage + 1);
        for (int i = 0; i < records.size(); i += perMessage) {
            messages.add(String.join("\n", records.subList(i, Math.min(records.size(), i + perMessage))));
        }
        return messages;
    }

    /** The first {@code count} orders of the benchmark's CSV file, each as one JSON object. */
    private static List<String> jsonRecords(Path csv, int count) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>(count);
        try (Reader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            for (CSVRecord record : CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader)) {
                if (lines.size() == count) {
                    break;
                }
                Map<String, Object> fields = new LinkedHashMap<>(record.toMap());
                lines.add(json.writeValueAsString(fields));
            }
        }
        return lines;
    }
}
