package io.batchpipeline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one command as a child process and measures it from the outside, the same way for every variant:
 * CPU seconds and peak RSS from /proc (Linux), sampled every 50 ms, and for a JVM the heap after each GC
 * from its GC log.
 */
final class ProcessProbe {

    private static final Pattern GC_AFTER = Pattern.compile("\\[([0-9.]+)s\\].*Pause.* (\\d+)M->(\\d+)M\\((\\d+)M\\)");
    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    record Result(int exitCode, double cpuSeconds, long peakRssMb, long peakHeapAfterGcMb, List<long[]> heapAfterGc, String output) {
    }

    /** Runs the command; for a JVM, pass the path its -Xlog:gc output goes to, or null. */
    static Result run(List<String> command, Map<String, String> environment, Path gcLog, Path outputFile, long timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(outputFile.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        long pid = process.pid();
        double cpu = 0;
        long rssKb = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!process.waitFor(50, TimeUnit.MILLISECONDS)) {
            cpu = Math.max(cpu, cpuSeconds(pid));
            rssKb = Math.max(rssKb, peakRssKb(pid));
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + command);
            }
        }
        List<long[]> heap = gcLog == null ? List.of() : heapAfterGc(gcLog);
        long peakHeap = heap.stream().mapToLong(h -> h[1]).max().orElse(-1);
        return new Result(process.exitValue(), cpu, rssKb / 1024, peakHeap, heap, Files.readString(outputFile));
    }

    private static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) TICKS_PER_SECOND; // utime, stime
        } catch (IOException | RuntimeException e) {
            return 0; // the process has just exited
        }
    }

    private static long peakRssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process has just exited
        }
        return 0;
    }

    /** (milliseconds since start, MB after GC) for every GC pause in the log. */
    static List<long[]> heapAfterGc(Path gcLog) throws IOException {
        List<long[]> points = new ArrayList<>();
        if (!Files.exists(gcLog)) {
            return points;
        }
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC_AFTER.matcher(line);
            if (m.find()) {
                points.add(new long[] {(long) (Double.parseDouble(m.group(1)) * 1000), Long.parseLong(m.group(3))});
            }
        }
        return points;
    }
}
