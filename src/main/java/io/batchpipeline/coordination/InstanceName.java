package io.batchpipeline.coordination;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * Who this instance is to the others that share its database: the owner named on its buffered batches and its
 * claimed files. Two running instances must never share a name.
 */
public final class InstanceName {

    private InstanceName() {
    }

    /**
     * The configured name, else host and working directory: the same after a restart, so that a run after a crash
     * resumes what the crashed run held at once instead of after its lease; different for instances on different
     * hosts, or in different folders of one host.
     */
    public static String of(String configured) {
        if (!configured.isBlank()) {
            return configured.strip();
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        }
        String name = host + ":" + Path.of("").toAbsolutePath();
        return name.length() <= 100 ? name : name.substring(name.length() - 100); // the owner columns' width
    }
}
