package io.batchpipeline.source;

import org.apache.camel.Endpoint;
import org.apache.camel.component.file.GenericFileEndpoint;

/**
 * Sets up a folder source ({@code file:}): its first poll comes as soon as the route starts, not after Camel's
 * default {@code initialDelay} of one second, which a short load paid on every start (a 2M-row load started 2.5 s
 * before its first row, 1 s of it waiting). A URI that names {@code initialDelay} keeps it.
 */
public final class FileSource {

    private FileSource() {
    }

    public static void configure(Endpoint endpoint) {
        if (endpoint instanceof GenericFileEndpoint<?> folder && !SourceUri.names(endpoint, "initialDelay")) {
            folder.setInitialDelay(0);
        }
    }
}
