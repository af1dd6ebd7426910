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

    /** {@code startMillis}: the wall clock just before the process started, to time a load from process start. */
    record Result(int exitCode, double cpuSeconds, long peakRssMb, long peakHeapAfterGcMb, List<long[]> heapAfterGc, String output, long startMillis) {
    }

    /** Runs the command; for a JVM, pass the path its -Xlog:gc output goes to, or null. */
    static Result run(List<String> command, Map<String, String> environment, Path gcLog, Path outputFile, long timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(outputFile.toFile());
        builder.environment().putAll(environment);
        long startMillis = System.currentTimeMillis();
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
        return new Result(process.exitValue(), cpu, rssKb / 1024, peakHeap, heap, Files.readString(outputFile), startMillis);
    }

    private static double cpuSeconds(long pid) {
        long[] stat = stat(pid);
        return stat == null ? 0 : (stat[11] + stat[12]) / (double) TICKS_PER_SECOND; // utime, stime
    }

    /**
     * CPU seconds of a process tree as it is now: the process's own, its reaped children's, and its live children's.
     * For a PostgreSQL server, its backends' work once their connections have closed. NaN when /proc cannot tell.
     */
    static double treeCpuSeconds(long pid) {
        long[] root = stat(pid);
        if (root == null) {
            return Double.NaN;
        }
        long ticks = root[11] + root[12] + root[13] + root[14]; // utime, stime, cutime, cstime
        try (var processes = Files.list(Path.of("/proc"))) {
            for (Path p : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                long[] child = stat(Long.parseLong(p.getFileName().toString()));
                if (child != null && child[1] == pid) {
                    ticks += child[11] + child[12];
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return ticks / (double) TICKS_PER_SECOND;
    }

    /** The process's parent pid. */
    static long parent(long pid) {
        long[] stat = stat(pid);
        return stat == null ? -1 : stat[1];
    }

    /** /proc/pid/stat's numeric fields from the state on (index 1: ppid, 11: utime, 12: stime, 13: cutime, 14: cstime), or null. */
    private static long[] stat(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long[] values = new long[15];
            for (int i = 1; i < values.length; i++) {
                values[i] = Long.parseLong(fields[i]);
            }
            return values;
        } catch (IOException | RuntimeException e) {
            return null; // the process has just exited, or is not ours to read
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
