package io.batchpipeline.buffer;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;

/**
 * The pipeline's settings that the route template puts on every exchange (its sink, dead-letter endpoint,
 * batch size...) and the route it came from, stored with a batch's first chunk as JSON, so a batch recovered
 * after a restart is written the way it would have been.
 */
final class BatchSettings {

    /** Exchange properties the route template sets start with this. */
    private static final String PIPELINE_PROPERTY_PREFIX = "pipeline";
    private static final String FROM_ROUTE_ID = "fromRouteId";
    private static final ObjectMapper JSON = new ObjectMapper();

    private BatchSettings() {
    }

    static String of(Exchange exchange) {
        Map<String, Object> settings = new LinkedHashMap<>();
        exchange.getProperties().forEach((key, value) -> {
            if (key.startsWith(PIPELINE_PROPERTY_PREFIX) && (value instanceof String || value instanceof Number)) {
                settings.put(key, value.toString());
            }
        });
        settings.put(FROM_ROUTE_ID, exchange.getFromRouteId());
        try {
            return JSON.writeValueAsString(settings);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // strings only
        }
    }

    static void restore(Exchange exchange, String json) {
        Map<String, String> settings;
        try {
            settings = JSON.readValue(json, new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the pipeline settings of a buffered batch are damaged: " + e.getMessage(), e);
        }
        settings.forEach((key, value) -> {
            if (key.equals(FROM_ROUTE_ID)) {
                exchange.getExchangeExtension().setFromRouteId(value);
            } else {
                exchange.setProperty(key, value);
            }
        });
    }
}
