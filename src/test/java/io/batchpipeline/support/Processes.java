package io.batchpipeline.support;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The jars a test starts, killed when it ends whatever its outcome, so that none outlives a failed test. */
public final class Processes implements AutoCloseable {

    /** 128 + 15: the JVM ran its shutdown (Camel's graceful stop) on SIGTERM, then exited. */
    public static final int SIGTERM_EXIT = 143;

    private final List<Process> started = new ArrayList<>();

    public Process start(ProcessBuilder builder) throws IOException {
        Process process = builder.start();
        started.add(process);
        return process;
    }

    @Override
    public void close() {
        started.forEach(Process::destroyForcibly);
    }
}
