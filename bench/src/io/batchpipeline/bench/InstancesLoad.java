package io.batchpipeline.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import io.batchpipeline.support.FreePort;

/**
 * N copies of the jar sharing one input, a folder ({@code source.shared-folder}) or a RabbitMQ queue, into
 * bench_orders; timed by the table's clock_timestamp() column, CPU summed over the copies.
 */
final class InstancesLoad {

    /** The jar's command line for one copy: its work folder, source and extra settings. */
    interface JarCommand {
        List<String> build(Path work, String sourceUri, List<String> settings);
    }

    private static final int FILES = 12;
    private static final int RECORDS_PER_MESSAGE = 1_000;

    private final BenchDatabase db;
    private final Path out;
    private final Path data;
    private final JarCommand jar;

    InstancesLoad(BenchDatabase db, Path out, Path data, JarCommand jar) {
        this.db = db;
        this.out = out;
        this.data = data;
        this.jar = jar;
    }

    /** The data file cut into 12 files in one folder, read by {@code instances} copies. */
    Benchmark.Sample folder(int instances) throws Exception {
        db.recreateTable();
        Path folder = Files.createTempDirectory(out, "shared-");
        long rows = split(folder);
        // the files are whole before the run: the shortest unchanged-check the claiming read lock allows, not one second per file
        String uri = "file:" + folder + "?move=.done&moveFailed=.error&readLockCheckInterval=10&readLockMinAge=0";
        return run(instances, rows, uri, List.of("-Dsource.shared-folder=true"));
    }

    /** The data file as messages of 1,000 CSV records on a fresh queue, read by {@code instances} copies. */
    Benchmark.Sample queue(int instances, String host) throws Exception {
        db.recreateTable();
        String queue = "batch-pipeline-bench-" + System.nanoTime();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(host);
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            channel.queueDeclare(queue, true, false, false, null);
            long rows = publish(channel, queue);
            Benchmark.Sample sample = run(instances, rows, "spring-rabbitmq:default?queues=" + queue + "&autoDeclare=false", List.of(
                    "-Dcamel.beans.rabbitConnectionFactory=#class:org.springframework.amqp.rabbit.connection.CachingConnectionFactory",
                    "-Dcamel.beans.rabbitConnectionFactory.host=" + host,
                    "-Dcamel.component.spring-rabbitmq.connection-factory=#bean:rabbitConnectionFactory"));
            channel.queueDelete(queue);
            return sample;
        }
    }

    private Benchmark.Sample run(int instances, long rows, String sourceUri, List<String> settings) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(instances);
        List<Future<ProcessProbe.Result>> copies = new ArrayList<>();
        for (int i = 1; i <= instances; i++) {
            Path work = Files.createTempDirectory(out, "instance-" + i + "-");
            List<String> all = new ArrayList<>(settings);
            all.addAll(List.of("-Dinstance.name=bench-" + i, "-Dcamel.management.port=" + FreePort.find()));
            List<String> command = jar.build(work, sourceUri, all);
            copies.add(threads.submit(() -> ProcessProbe.run(command, Map.of(), work.resolve("gc.log"), work.resolve("pipeline.log"), 3600)));
        }
        double cpu = 0;
        long rss = 0;
        for (Future<ProcessProbe.Result> copy : copies) {
            ProcessProbe.Result result = copy.get();
            if (result.exitCode() != 0) {
                throw new IllegalStateException("a copy exited with " + result.exitCode());
            }
            cpu += result.cpuSeconds();
            rss += result.peakRssMb();
        }
        threads.shutdown();
        double[] countAndSpan = db.countAndSpan();
        if (countAndSpan[0] != rows) {
            throw new IllegalStateException("expected " + rows + " rows in bench_orders, found " + (long) countAndSpan[0]);
        }
        return new Benchmark.Sample(rows / countAndSpan[1], cpu, -1, rss);
    }

    /** Cuts the data file into FILES files of whole records, each with the header; returns the records. */
    private long split(Path folder) throws IOException {
        long total;
        try (BufferedReader reader = Files.newBufferedReader(data, StandardCharsets.UTF_8)) {
            reader.readLine();
            for (total = 0; nextRecord(reader) != null; total++) {
                // counting
            }
        }
        long perFile = (total + FILES - 1) / FILES;
        try (BufferedReader reader = Files.newBufferedReader(data, StandardCharsets.UTF_8)) {
            String header = reader.readLine();
            for (int f = 0; f < FILES; f++) {
                Path part = folder.resolve(".part-" + f + ".csv");
                try (BufferedWriter writer = Files.newBufferedWriter(part, StandardCharsets.UTF_8)) {
                    writer.write(header);
                    writer.newLine();
                    String record;
                    for (long n = 0; n < perFile && (record = nextRecord(reader)) != null; n++) {
                        writer.write(record);
                        writer.newLine();
                    }
                }
                Files.move(part, folder.resolve("orders-" + f + ".csv")); // appears whole, as a producer should write it
            }
        }
        return total;
    }

    /** The next CSV record, which may span lines (a quoted line break): lines are joined until the quotes pair up. */
    private static String nextRecord(BufferedReader reader) throws IOException {
        String line = reader.readLine();
        if (line == null) {
            return null;
        }
        StringBuilder record = new StringBuilder(line);
        long quotes = line.chars().filter(c -> c == '"').count();
        while (quotes % 2 == 1 && (line = reader.readLine()) != null) {
            record.append('\n').append(line);
            quotes += line.chars().filter(c -> c == '"').count();
        }
        return record.toString();
    }

    private long publish(Channel channel, String queue) throws IOException {
        long records = 0;
        try (BufferedReader reader = Files.newBufferedReader(data, StandardCharsets.UTF_8)) {
            String header = reader.readLine();
            StringBuilder body = new StringBuilder(header).append('\n');
            int inBody = 0;
            String record;
            while ((record = nextRecord(reader)) != null) {
                body.append(record).append('\n');
                records++;
                if (++inBody == RECORDS_PER_MESSAGE) {
                    channel.basicPublish("", queue, MessageProperties.PERSISTENT_BASIC, body.toString().getBytes(StandardCharsets.UTF_8));
                    body.setLength(0);
                    body.append(header).append('\n');
                    inBody = 0;
                }
            }
            if (inBody > 0) {
                channel.basicPublish("", queue, MessageProperties.PERSISTENT_BASIC, body.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return records;
    }
}
