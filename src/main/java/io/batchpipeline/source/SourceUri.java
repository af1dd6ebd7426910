package io.batchpipeline.source;

import java.net.URISyntaxException;

import org.apache.camel.Endpoint;
import org.apache.camel.util.URISupport;

/** What a source's URI says itself: an option it names keeps its value, where the pipeline would set another. */
final class SourceUri {

    private SourceUri() {
    }

    /** Whether the endpoint's URI names {@code option} in its query (read once per pipeline, at start). */
    static boolean names(Endpoint endpoint, String option) {
        String query = URISupport.extractQuery(endpoint.getEndpointUri());
        if (query == null) {
            return false;
        }
        try {
            return URISupport.parseQuery(query).containsKey(option);
        } catch (URISyntaxException e) { // Camel made the endpoint from this URI, so it parses
            throw new IllegalStateException("cannot read the options of " + URISupport.sanitizeUri(endpoint.getEndpointUri()), e);
        }
    }
}
