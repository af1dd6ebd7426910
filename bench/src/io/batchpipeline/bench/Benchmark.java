package io.batchpipeline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.batchpipeline.observability.LatenessHistogram;
import io.batchpipeline.support.RunningPipeline;
import org.apache.camel.ProducerTemplate;

/**
 * Side-by-side load benchmark: the COPY limit, a stock Camel route, and this pipeline (insert, upsert, file
 * sink), each run as its own process on the same generated file and measured the same way. Prints a
 * Markdown report and writes it to target/bench/report.md. See bench/run for the options.
 */
public final class Benchmark {

    private static final Pattern SUMMARY_RATE = Pattern.compile("Summary: pipeline default-pipeline: .* ([0-9]+) rows/s");
    private static final String PSQL_COPY = "(a) COPY limit: psql \\copy";
    private static final String JDBC_COPY = "(a) COPY limit: pgjdbc CopyManager, one stream";
    private static final String INSERT = "(c) this pipeline, insert (COPY)";
    private static final String INSERT_DURABLE = "(c) this pipeline, insert (COPY), durable buffer";
    private static final String DURABLE = "-Dbatch.durable=true";
    private static final String STOCK = "(b) stock Camel: csv split, aggregate(1000, 1 s), seda x4, camel-sql batch=true";
    private static final String PASS_THROUGH_OFF = "-Dsink.pass-through=false";
    /** The README's run-once command compiles with C1 only; a daemon keeps the JVM's default (C1, then C2 when hot). */
    private static final String ONE_SHOT_JIT = "-XX:TieredStopAtLevel=1";
    /** The JVM's default, later on the command line than {@link #ONE_SHOT_JIT}, which it overrides. */
    private static final String DAEMON_JIT = "-XX:TieredStopAtLevel=4";

    /**
     * One load: rows/s first row to last (or from the pipeline's counters), rows/s from process start to the last row
     * (NaN where not timed so), the process's CPU seconds, and the PostgreSQL server's during the load (NaN if unknown).
     */
    record Sample(double rowsPerSecond, double cpuSeconds, long peakHeapMb, long peakRssMb, double fromStartRowsPerSecond,
                  double serverCpuSeconds, double warmRowsPerSecond) {

        Sample(double rowsPerSecond, double cpuSeconds, long peakHeapMb, long peakRssMb) {
            this(rowsPerSecond, cpuSeconds, peakHeapMb, peakRssMb, Double.NaN, Double.NaN, Double.NaN);
        }

        Sample(double rowsPerSecond, double cpuSeconds, long peakHeapMb, long peakRssMb, double fromStartRowsPerSecond, double serverCpuSeconds) {
            this(rowsPerSecond, cpuSeconds, peakHeapMb, peakRssMb, fromStartRowsPerSecond, serverCpuSeconds, Double.NaN);
        }

        Sample withServerCpu(double seconds) {
            return new Sample(rowsPerSecond, cpuSeconds, peakHeapMb, peakRssMb, fromStartRowsPerSecond, seconds, warmRowsPerSecond);
        }

        /** @param rate rows/s once warm: over the records after the first {@link BusLoad#WARM_UP_SHARE} of a bus load */
        Sample withWarmRate(double rate) {
            return new Sample(rowsPerSecond, cpuSeconds, peakHeapMb, peakRssMb, fromStartRowsPerSecond, serverCpuSeconds, rate);
        }
    }

    private final Options options;
    private final BenchDatabase db;
    private final Path out;
    private final Path data;
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final Map<String, List<Sample>> samples = new LinkedHashMap<>();
    private final Map<String, String> timedBy = new LinkedHashMap<>();
    /** The large run: the jar's rows/s, its CPU seconds, and psql COPY's rows/s on the same file. */
    private double[] largeRun;

    private Benchmark(Options options, BenchDatabase db, Path out, Path data) {
        this.options = options;
        this.db = db;
        this.out = out;
        this.data = data;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Path out = Path.of("target/bench");
        Files.createDirectories(out);
        System.out.printf("Generating %,d records...%n", options.rows);
        Path data = BenchData.ensure(out.resolve("data"), options.rows);
        try (BenchDatabase db = BenchDatabase.open(options.jdbcUrl, options.user, options.password)) {
            Benchmark bench = new Benchmark(options, db, out, data);
            bench.runAll();
        }
        System.exit(0); // the Kafka broker started for the bus paths runs on threads that would keep the JVM up
    }

    private void runAll() throws Exception {
        boolean psql = onPath("psql");
        for (int run = 1; run <= options.runs; run++) {
            System.out.printf("Run %d of %d%n", run, options.runs);
            if (psql) {
                measure(PSQL_COPY, "clock_timestamp() column", () -> psqlCopy(data));
            }
            measure(JDBC_COPY, "clock_timestamp() column", () -> childJvm("copy", CopyFile.class, data.toString(), db.url, db.user, db.password));
            if (!options.skipStock) {
                measure(STOCK, "clock_timestamp() column", () -> childJvm("stock", StockCamelRoute.class, freshInput("stock").toString(),
                        db.url, db.user, db.password, Long.toString(options.rows)));
            }
            measure(INSERT, "clock_timestamp() column", () -> pipeline("insert", "jdbc", true));
            // the same load with every field parsed and converted, as before CSV passed through to COPY
            measure(INSERT + ", pass-through off", "clock_timestamp() column", () -> pipeline("insert", "jdbc", true, PASS_THROUGH_OFF));
            measure(INSERT + ", 1% bad rows", "clock_timestamp() column", this::badRows);
            // what the run-once command's C1-only JIT saves, against the default a daemon runs with
            measure(INSERT + ", JIT as a daemon's (C2)", "clock_timestamp() column", () -> pipeline("insert", "jdbc", true, DAEMON_JIT));
            measure(INSERT_DURABLE, "clock_timestamp() column", () -> pipeline("insert", "jdbc", true, DURABLE));
            // what health, metrics and JMX cost: the same load with camel.management.enabled=false
            measure(INSERT + ", observability off", "clock_timestamp() column",
                    () -> pipeline("insert", "jdbc", true, "-Dcamel.management.enabled=false"));
            measure("(d) this pipeline, upsert into an empty table", "clock_timestamp() column", () -> pipeline("upsert", "jdbc", true));
            measure("(d) this pipeline, upsert into an empty table, durable buffer", "clock_timestamp() column",
                    () -> pipeline("upsert", "jdbc", true, DURABLE));
            measure("(d) this pipeline, upsert over existing rows", "pipeline's own counters", () -> pipeline("upsert", "jdbc", false));
            measure("(e) this pipeline, file sink (CSV files)", "pipeline's own counters", () -> pipeline("insert", "file", true));
        }
        InstancesLoad shared = new InstancesLoad(db, out, data, (work, uri, settings) -> jarCommand("insert", "jdbc", uri, work, settings));
        for (int run = 1; run <= options.runs && !options.instances().isEmpty(); run++) {
            System.out.printf("Instances, run %d of %d%n", run, options.runs);
            for (int n : options.instances()) {
                record("(f) " + n + " instance" + (n > 1 ? "s" : "") + " on one folder, insert", "clock_timestamp() column", shared.folder(n));
                if (!options.rabbitmq().isEmpty()) {
                    record("(g) " + n + " instance" + (n > 1 ? "s" : "") + " on one RabbitMQ queue, insert", "clock_timestamp() column",
                            shared.queue(n, options.rabbitmq()));
                }
            }
        }
        if (options.busRecords() > 0) {
            buses();
        }
        long[] lateness = options.only().isEmpty() ? lateness() : null;
        String report = report(lateness);
        System.out.println(report);
        Files.writeString(out.resolve("report.md"), report);
        if (options.heapRows > 0) {
            String heap = heapReport(flatHeap());
            System.out.println(heap);
            Files.writeString(out.resolve("report.md"), report + heap);
        }
    }

    private static final String BUS = "(h) ";

    /** --bus-records: the same JSON records from a file, from Kafka and (with --rabbitmq) from RabbitMQ, beside each broker's plain client. */
    private void buses() throws Exception {
        BusLoad bus = new BusLoad(db, out, data, options.busRecords(), (work, uri, settings) -> jarCommand("insert", "jdbc", uri, work, settings));
        for (int run = 1; run <= options.runs; run++) {
            System.out.printf("Buses, run %d of %d%n", run, options.runs);
            for (boolean durable : new boolean[] {false, true}) {
                String mode = durable ? ", durable" : "";
                measure(BUS + "JSON lines file" + mode, "clock_timestamp() column", () -> bus.file(durable));
                for (int perMessage : new int[] {1, 500}) {
                    String shape = perMessage == 1 ? "1 record per message" : perMessage + " records per message";
                    measure(BUS + "Kafka, " + shape + mode, "clock_timestamp() column", () -> bus.kafka(perMessage, durable));
                    if (!options.rabbitmq().isEmpty()) {
                        measure(BUS + "RabbitMQ, " + shape + mode, "clock_timestamp() column", () -> bus.rabbitMq(options.rabbitmq(), perMessage, durable));
                    }
                }
            }
            measure(BUS + "Kafka, 1 record per message: plain consumer, commit per poll (limit)", "the client's clock", () -> bus.kafkaLimit(1));
            if (!options.rabbitmq().isEmpty()) {
                measure(BUS + "RabbitMQ, 1 record per message: plain consumer, ack per message (limit)", "the client's clock",
                        () -> bus.rabbitMqLimit(options.rabbitmq(), 1));
            }
        }
        if (options.only().isEmpty() || options.only().stream().anyMatch(o -> o.startsWith(BUS.strip()))) {
            System.out.println("Measuring timeout-flush lateness under Kafka load (5,000 messages/s, batch.timeout=200)...");
            busLateness = bus.kafkaLateness(5_000, 20, false);
            busLatenessDurable = bus.kafkaLateness(5_000, 20, true);
        }
    }

    /** Records sent, p50 and p99 ms of timeout batches closing late, under Kafka load. */
    private long[] busLateness;
    private long[] busLatenessDurable;

    /** Runs one path, unless --only names others, and adds what the PostgreSQL server spent meanwhile. */
    private void measure(String name, String method, Callable<Sample> run) throws Exception {
        if (options.only().isEmpty() || options.only().stream().anyMatch(name::startsWith)) {
            double server = db.serverCpuSeconds();
            Sample sample = run.call();
            record(name, method, sample.withServerCpu(db.serverCpuSeconds() - server));
        }
    }

    private void record(String name, String method, Sample sample) {
        samples.computeIfAbsent(name, k -> new ArrayList<>()).add(sample);
        timedBy.put(name, method);
        System.out.printf("  %-75s %,10.0f rows/s%s%n", name, sample.rowsPerSecond,
                Double.isNaN(sample.warmRowsPerSecond) ? "" : String.format(", %,.0f once warm", sample.warmRowsPerSecond));
    }

    private Sample psqlCopy(Path file) throws Exception {
        db.recreateTable();
        String[] target = db.psqlTarget();
        List<String> command = List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", target[0], "-p", target[1], "-U", db.user, "-d", target[2],
                "-c", "\\copy bench_orders (" + BenchData.COLUMNS + ") FROM '" + file.toAbsolutePath() + "' WITH (FORMAT csv, HEADER true)");
        return fromTable(ProcessProbe.run(command, Map.of("PGPASSWORD", db.password), null, out.resolve("psql.log"), 3600), lines(file));
    }

    /** A main class of the benchmark in its own JVM, loading an empty table. */
    private Sample childJvm(String name, Class<?> mainClass, String... args) throws Exception {
        db.recreateTable();
        Path gcLog = out.resolve("gc-" + name + ".log");
        List<String> command = new ArrayList<>(List.of(java, "-Xlog:gc:file=" + gcLog, "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        return fromTable(ProcessProbe.run(command, Map.of(), gcLog, out.resolve(name + ".log"), 3600), options.rows);
    }

    /** The real jar, run once over the data file with its default settings (plus {@code settings}), as the README runs it. */
    private Sample pipeline(String mode, String sinkType, boolean emptyTable, String... settings) throws Exception {
        if (emptyTable) {
            db.recreateTable();
        }
        ProcessProbe.Result result = runJar(mode, sinkType, options.rows, options.rows, data, List.of(settings));
        if (sinkType.equals("jdbc") && emptyTable) {
            return fromTable(result, options.rows);
        }
        if (sinkType.equals("jdbc")) {
            checkCount(options.rows);
        }
        Matcher rate = SUMMARY_RATE.matcher(result.output());
        if (!rate.find()) {
            throw new IllegalStateException("no summary in the pipeline's output:\n" + result.output());
        }
        return new Sample(Double.parseDouble(rate.group(1)), result.cpuSeconds(), result.peakHeapAfterGcMb(), result.peakRssMb());
    }

    /** The same orders into an empty table with 1% of them bad: every good row written, every bad one dead-lettered. */
    private Sample badRows() throws Exception {
        db.recreateTable();
        Path file = BenchData.ensureWithBadRows(out.resolve("data"), options.rows);
        long good = options.rows - BenchData.badRows(options.rows);
        return fromTable(runJar("insert", "jdbc", options.rows, good, file, List.of()), good);
    }

    /**
     * Runs the jar over the file, once, as the README's run-once command does; checks that it wrote {@code written} of
     * the file's {@code rows} and dead-lettered the rest.
     */
    private ProcessProbe.Result runJar(String mode, String sinkType, long rows, long written, Path file, List<String> settings) throws Exception {
        List<String> jvmOptions = new ArrayList<>(List.of(ONE_SHOT_JIT));
        jvmOptions.addAll(settings);
        Path work = Files.createTempDirectory(out, "pipeline-");
        Path input = Files.createDirectories(work.resolve("input"));
        Files.createLink(input.resolve(file.getFileName()), file.toAbsolutePath());
        Path gcLog = work.resolve("gc.log");
        List<String> command = jarCommand(mode, sinkType, "file:" + input + "?move=.done&moveFailed=.error", work, jvmOptions);
        ProcessProbe.Result result = ProcessProbe.run(command, Map.of(), gcLog, work.resolve("pipeline.log"), 3600);
        if (result.exitCode() != 0 || !result.output().contains("Summary: pipeline default-pipeline: " + rows + " records read, " + written + " rows written")) {
            throw new IllegalStateException("the pipeline did not write every record (exit " + result.exitCode() + "):\n" + tail(result.output()));
        }
        Path deadLetters = work.resolve("deadletter/rejected.jsonl");
        long rejected = Files.exists(deadLetters) ? Files.lines(deadLetters).count() : 0;
        if (rejected != rows - written) {
            throw new IllegalStateException("expected " + (rows - written) + " dead letters, found " + rejected + " in " + deadLetters);
        }
        if (!sinkType.equals("file")) {
            deleteRecursively(work);
        }
        return result;
    }

    /** The jar as the README runs it (with the class-data-sharing archive the build makes), into bench_orders, with its GC log in {@code work}; it exits after 2 idle seconds. */
    List<String> jarCommand(String mode, String sinkType, String sourceUri, Path work, List<String> jvmOptions) {
        List<String> command = new ArrayList<>(List.of(java, "-Xlog:gc:file=" + work.resolve("gc.log")));
        command.addAll(options.jarOptions());
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-Dcamel.main.duration-max-idle-seconds=2",
                "-Dsource.uri=" + sourceUri,
                "-Dsink.type=" + sinkType,
                "-Dsink.jdbc.url=" + db.url,
                "-Dsink.jdbc.username=" + db.user,
                "-Dsink.jdbc.password=" + db.password,
                "-Dsink.jdbc.table=bench_orders",
                "-Dsink.jdbc.init-script=",
                "-Dsink.jdbc.mode=" + mode,
                "-Dsink.jdbc.key-columns=id",
                "-Dsink.file.directory=" + work.resolve("output"),
                "-Ddeadletter.uri=file:" + work.resolve("deadletter") + "?fileName=rejected.jsonl&fileExist=Append",
                "-Dexamples.dir=" + work.resolve("examples"),
                "-XX:SharedArchiveFile=" + Path.of("target/batch-pipeline.jsa").toAbsolutePath(),
                "-jar", Path.of("target/batch-pipeline.jar").toAbsolutePath().toString()));
        return command;
    }

    private Sample fromTable(ProcessProbe.Result result, long rows) throws Exception {
        if (result.exitCode() != 0) {
            throw new IllegalStateException("exit " + result.exitCode() + ":\n" + tail(result.output()));
        }
        double[] countAndSpan = checkCount(rows);
        double fromStart = countAndSpan[0] / ((countAndSpan[2] - result.startMillis()) / 1000.0);
        return new Sample(countAndSpan[0] / countAndSpan[1], result.cpuSeconds(), result.peakHeapAfterGcMb(), result.peakRssMb(), fromStart, Double.NaN);
    }

    private double[] checkCount(long expected) throws Exception {
        double[] countAndSpan = db.countAndSpan();
        if (countAndSpan[0] != expected) {
            throw new IllegalStateException("expected " + expected + " rows in bench_orders, found " + (long) countAndSpan[0]);
        }
        return countAndSpan;
    }

    /** Records trickle in one every 5 ms, far below batch.size; every batch closes on its 200 ms deadline. */
    private long[] lateness() throws Exception {
        System.out.println("Measuring timeout-flush lateness (batch.timeout=200, one record every 5 ms)...");
        Path work = Files.createTempDirectory(out, "lateness-");
        Map<String, String> settings = RunningPipeline.defaults(work);
        settings.put("source.uri", "direct:trickle");
        settings.put("source.format", "jsonl");
        settings.put("sink.type", "file");
        settings.put("batch.timeout", "200");
        LatenessHistogram histogram;
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            ProducerTemplate producer = pipeline.producer();
            long end = System.nanoTime() + Duration.ofSeconds(options.latenessSeconds).toNanos();
            for (long id = 1; System.nanoTime() < end; id++) {
                producer.sendBody("direct:trickle", "{\"id\":" + id + ",\"note\":\"n\"}");
                Thread.sleep(5);
            }
            histogram = pipeline.stats().timeoutLateness();
        }
        deleteRecursively(work);
        return new long[] {histogram.count(), histogram.percentile(0.5), histogram.percentile(0.99), histogram.percentile(1.0)};
    }

    /**
     * The real jar with a 256 MB heap over a large file: the heap after each GC, over time, and the load rate
     * once the JIT compiler has had time to finish, next to psql's COPY of the same file.
     */
    private List<long[]> flatHeap() throws Exception {
        System.out.printf("Generating %,d records for the heap check...%n", options.heapRows);
        Path big = BenchData.ensure(out.resolve("data"), options.heapRows);
        db.recreateTable();
        System.out.printf("Loading %,d records with -Xmx256m...%n", options.heapRows);
        ProcessProbe.Result result = runJar("insert", "jdbc", options.heapRows, options.heapRows, big, List.of("-Xmx256m"));
        double[] countAndSpan = checkCount(options.heapRows);
        largeRun = new double[] {countAndSpan[0] / countAndSpan[1], result.cpuSeconds(), Double.NaN};
        if (onPath("psql")) {
            largeRun[2] = psqlCopy(big).rowsPerSecond();
        }
        return result.heapAfterGc();
    }

    private String report(long[] lateness) throws Exception {
        double limit = samples.entrySet().stream().filter(e -> e.getKey().startsWith("(a)"))
                .mapToDouble(e -> median(e.getValue(), Sample::rowsPerSecond)).max().orElse(Double.NaN);
        double stock = samples.containsKey(STOCK) ? median(samples.get(STOCK), Sample::rowsPerSecond) : Double.NaN;
        double psqlFromStart = samples.containsKey(PSQL_COPY) ? median(samples.get(PSQL_COPY), Sample::fromStartRowsPerSecond) : Double.NaN;
        StringBuilder r = new StringBuilder();
        r.append(String.format("Benchmark, %s: %,d records of %d columns (%s), %d runs each, median [min-max].%n",
                LocalDate.now(), options.rows, BenchData.COLUMNS.split(",").length, BenchData.COLUMNS, options.runs));
        r.append(String.format("Machine: %s, %d cores, Java %s; %s.%n%n", cpuModel(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), db.version()));
        r.append("Loads of a file ran the jar as the README's run-once command does (`" + ONE_SHOT_JIT + "`), but the row"
                + " marked as a daemon's; buses ran it as a daemon.\n\n");
        if (!options.jarOptions().isEmpty()) {
            r.append("The jar ran with `").append(String.join(" ", options.jarOptions())).append("`.\n\n");
        }
        r.append("| path | rows/s | × COPY limit | × stock Camel | from process start, rows/s | × psql from start | CPU s | CPU s per M rows:"
                + " process, PostgreSQL | peak heap after GC | peak RSS | timed by |\n");
        r.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, List<Sample>> e : samples.entrySet()) {
            List<Sample> s = e.getValue();
            double rate = median(s, Sample::rowsPerSecond);
            double fromStart = median(s, Sample::fromStartRowsPerSecond);
            long heapMb = (long) median(s, x -> x.peakHeapMb);
            double millions = rowsOf(e.getKey()) / 1e6;
            r.append(String.format("| %s | %,.0f [%,.0f-%,.0f] | %s | %s | %s | %s | %.1f | %.1f, %s | %s | %d MB | %s |%n", e.getKey(), rate,
                    min(s), max(s), ratio(rate, limit, "%.2f"), ratio(rate, stock, "%.1f"),
                    Double.isNaN(fromStart) ? "n/a" : String.format("%,.0f [%,.0f-%,.0f]", fromStart, min(s, Sample::fromStartRowsPerSecond),
                            max(s, Sample::fromStartRowsPerSecond)),
                    ratio(fromStart, psqlFromStart, "%.2f"),
                    median(s, Sample::cpuSeconds), median(s, Sample::cpuSeconds) / millions,
                    Double.isNaN(median(s, Sample::serverCpuSeconds)) ? "n/a" : String.format("%.1f", median(s, Sample::serverCpuSeconds) / millions),
                    heapMb < 0 ? "n/a" : heapMb + " MB", (long) median(s, x -> x.peakRssMb), timedBy.get(e.getKey())));
        }
        warmBusTable(r);
        if (samples.containsKey(INSERT) && samples.containsKey(INSERT_DURABLE)) {
            r.append(String.format("%nDurable buffer (batch.durable=true): insert runs at %.2f× the rate without it.%n",
                    median(samples.get(INSERT_DURABLE), Sample::rowsPerSecond) / median(samples.get(INSERT), Sample::rowsPerSecond)));
        }
        if (busLateness != null) {
            r.append(String.format("%nTimeout-flush lateness under Kafka load (%,d one-record messages at 5,000/s, batch.timeout=200 ms): "
                    + "timeout batches closed after their deadline by p50 %d ms, p99 %d ms; with the durable buffer (%,d messages) p50 %d ms, "
                    + "p99 %d ms.%n", busLateness[0], busLateness[1], busLateness[2], busLatenessDurable[0], busLatenessDurable[1],
                    busLatenessDurable[2]));
        }
        if (lateness == null) {
            return r.toString();
        }
        r.append(String.format("%nTimeout-flush lateness, batch.timeout=200 ms, one record every 5 ms for %d s: %d batches, "
                + "closed after their deadline by p50 %d ms, p99 %d ms, max %d ms.%n", options.latenessSeconds, lateness[0], lateness[1], lateness[2], lateness[3]));
        return r.toString();
    }

    /**
     * A bus consumer is a daemon: it runs for days, and its first seconds go to the JIT compiler as much as to the
     * records (a JFR recording of a Kafka load of 1M records put the compiler threads at a third of the jar's CPU).
     * Its rate once warm, beside the plain consumer's measured the same way, is what it sustains.
     */
    private void warmBusTable(StringBuilder r) {
        Map<String, List<Sample>> warm = new LinkedHashMap<>();
        samples.forEach((name, s) -> {
            if (s.stream().noneMatch(x -> Double.isNaN(x.warmRowsPerSecond))) {
                warm.put(name, s);
            }
        });
        if (warm.isEmpty()) {
            return;
        }
        r.append(String.format("%nBuses once warm: rows/s over the records after the first %.0f%% of each load, the jar and the plain"
                + " consumers alike (the first part runs while the JIT compiles).%n%n", BusLoad.WARM_UP_SHARE * 100));
        r.append("| path | rows/s once warm | × its broker's plain consumer once warm |\n|---|---|---|\n");
        warm.forEach((name, s) -> {
            String broker = name.contains("Kafka") ? "Kafka" : "RabbitMQ";
            double limit = warm.entrySet().stream().filter(e -> e.getKey().contains(broker) && e.getKey().contains("(limit)"))
                    .mapToDouble(e -> median(e.getValue(), Sample::warmRowsPerSecond)).findFirst().orElse(Double.NaN);
            double rate = median(s, Sample::warmRowsPerSecond);
            r.append(String.format("| %s | %,.0f [%,.0f-%,.0f] | %s |%n", name, rate, min(s, Sample::warmRowsPerSecond),
                    max(s, Sample::warmRowsPerSecond), name.contains("(limit)") || name.contains("file") ? "" : ratio(rate, limit, "%.2f")));
        });
    }

    private String heapReport(List<long[]> heap) {
        StringBuilder r = new StringBuilder();
        r.append(String.format("%nHeap after GC, %,d records into PostgreSQL with -Xmx256m (%d GCs; time s: MB):", options.heapRows, heap.size()));
        int step = Math.max(1, heap.size() / 12);
        for (int i = 0; i < heap.size(); i += step) {
            r.append(String.format(" %.0f: %d", heap.get(i)[0] / 1000.0, heap.get(i)[1]));
        }
        r.append(String.format("; peak %d MB.%n", heap.stream().mapToLong(h -> h[1]).max().orElse(0)));
        r.append(String.format("The same run loaded %,.0f rows/s (%.0f CPU s); psql \\copy of that file: %,.0f rows/s, so %.2f× the COPY limit.%n",
                largeRun[0], largeRun[1], largeRun[2], largeRun[0] / largeRun[2]));
        return r.toString();
    }

    /** Records in a generated file: its name says how many. */
    private static long lines(Path file) {
        String name = file.getFileName().toString();
        return Long.parseLong(name.substring(name.indexOf('-') + 1, name.indexOf('.')));
    }

    private Path freshInput(String name) throws IOException {
        Path folder = Files.createTempDirectory(out, name + "-");
        Files.createLink(folder.resolve(data.getFileName()), data.toAbsolutePath());
        return folder;
    }

    /** {@code a / b}, or n/a when either is unknown (a path that --only left out, or one not timed so). */
    private static String ratio(double a, double b, String format) {
        double ratio = a / b;
        return Double.isNaN(ratio) ? "n/a" : String.format(format, ratio);
    }

    private static double median(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> value) {
        double[] v = samples.stream().mapToDouble(value).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double min(List<Sample> s) {
        return min(s, Sample::rowsPerSecond);
    }

    private static double max(List<Sample> s) {
        return max(s, Sample::rowsPerSecond);
    }

    private static double min(List<Sample> s, java.util.function.ToDoubleFunction<Sample> value) {
        return s.stream().mapToDouble(value).min().orElse(0);
    }

    private static double max(List<Sample> s, java.util.function.ToDoubleFunction<Sample> value) {
        return s.stream().mapToDouble(value).max().orElse(0);
    }

    /** The rows a path loads: every path loads the generated file, of which the bad-rows path writes 99%. */
    private long rowsOf(String path) {
        if (path.startsWith(BUS)) {
            return options.busRecords();
        }
        return path.endsWith("bad rows") ? options.rows - BenchData.badRows(options.rows) : options.rows;
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    private static String cpuModel() throws IOException {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
    }

    private static String tail(String text) {
        return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Command-line options; see bench/run. */
    record Options(long rows, int runs, String jdbcUrl, String user, String password, long heapRows, boolean skipStock, int latenessSeconds,
                   List<String> only, List<Integer> instances, String rabbitmq, int busRecords, List<String> jarOptions) {
        static Options parse(String[] args) {
            Map<String, String> o = new LinkedHashMap<>();
            for (String arg : args) {
                String[] kv = arg.replaceFirst("^--", "").split("=", 2);
                o.put(kv[0], kv.length > 1 ? kv[1] : "true");
            }
            return new Options(Long.parseLong(o.getOrDefault("rows", "1000000")), Integer.parseInt(o.getOrDefault("runs", "3")),
                    o.getOrDefault("jdbc-url", ""), o.getOrDefault("user", "postgres"), o.getOrDefault("password", ""),
                    Long.parseLong(o.getOrDefault("heap-rows", "0")), Boolean.parseBoolean(o.getOrDefault("skip-stock", "false")),
                    Integer.parseInt(o.getOrDefault("lateness-seconds", "60")),
                    // split before each "(", as the names hold commas themselves: --only="(h) Kafka, 1 record per message,(a)"
                    o.containsKey("only") ? List.of(o.get("only").split(",(?=\\()")) : List.of(),
                    o.containsKey("instances") ? Arrays.stream(o.get("instances").split(",")).map(Integer::valueOf).toList() : List.of(),
                    o.getOrDefault("rabbitmq", ""), Integer.parseInt(o.getOrDefault("bus-records", "0")),
                    o.containsKey("jar-options") ? List.of(o.get("jar-options").trim().split("\\s+")) : List.of());
        }
    }
}
