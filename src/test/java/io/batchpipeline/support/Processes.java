package io.batchpipeline.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** The jars a test starts, killed when it ends whatever its outcome, so that none outlives a failed test. */
public final class Processes implements AutoCloseable {

    /** 128 + 15: the JVM ran its shutdown (Camel's graceful stop) on SIGTERM, then exited. */
    public static final int SIGTERM_EXIT = 143;

    private final List<Process> started = new ArrayList<>();

    /** Runs {@code command} from the project's folder, its output appended to {@code log}. */
    public Process start(List<String> command, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        return start(new ProcessBuilder(command).directory(new File(".")).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())));
    }

    public Process start(ProcessBuilder builder) throws IOException {
        Process process = builder.start();
        started.add(process);
        return process;
    }

    /**
     * The command that runs the built jar into {@code table} of the test PostgreSQL, with a free management port and
     * dead letters under {@code dir}; {@code options} (-D...) come after these, and win.
     */
    public static List<String> jar(Path dir, String table, boolean durable, List<String> options) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dsource.format=jsonl",
                "-Dcamel.management.port=" + FreePort.find(),
                "-Dsink.jdbc.url=" + TestPostgres.url(),
                "-Dsink.jdbc.username=postgres",
                "-Dsink.jdbc.table=" + table,
                "-Dsink.jdbc.init-script=",
                "-Dbatch.durable=" + durable,
                "-Dbatch.durable.recovery-interval=500",
                "-Ddeadletter.uri=file:" + dir.resolve("deadletter") + "?fileName=rejected.jsonl&fileExist=Append",
                "-Dexamples.dir=" + dir.resolve("examples")));
        command.addAll(options);
        command.addAll(List.of("-jar", Path.of("target/batch-pipeline.jar").toAbsolutePath().toString()));
        return command;
    }

    /**
     * Kills a run with SIGKILL three times, each once {@code progress} has moved on by a random amount between
     * {@code step} and twice that (short of {@code total}), and starts the next run after each kill.
     *
     * @return the run started after the last kill
     */
    public static Process killThreeTimes(Process first, Callable<Process> start, Callable<Long> progress, long total, int step, Random random)
            throws Exception {
        Process process = first;
        for (int kill = 1; kill <= 3; kill++) {
            Process running = process;
            long target = Math.min(total - 1, progress.call() + step + random.nextInt(step));
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                    .until(() -> progress.call() >= target || !running.isAlive());
            running.destroyForcibly(); // SIGKILL
            assertThat(running.waitFor(30, TimeUnit.SECONDS)).isTrue();
            process = start.call();
        }
        return process;
    }

    @Override
    public void close() {
        started.forEach(Process::destroyForcibly);
    }
}
