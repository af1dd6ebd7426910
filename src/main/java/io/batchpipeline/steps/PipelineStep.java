package io.batchpipeline.steps;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.batchpipeline.observability.PipelineRegistry;
import io.batchpipeline.observability.PipelineStats;
import io.batchpipeline.sink.BatchSink;
import org.apache.camel.Exchange;

/**
 * What the route template's processors share: the pipeline's sink and dead-letter endpoint travel on the
 * exchange as properties set at the top of the template, and stats are kept per pipeline (route id).
 */
abstract class PipelineStep {

    /** Exchange property naming the pipeline's {@link BatchSink} bean. */
    static final String SINK_PROPERTY = "pipelineSink";
    /** Exchange property holding the pipeline's dead-letter endpoint URI. */
    static final String DEAD_LETTER_PROPERTY = "pipelineDeadLetterUri";

    private final PipelineRegistry registry;
    private final Map<String, BatchSink> sinks = new ConcurrentHashMap<>();

    PipelineStep(PipelineRegistry registry) {
        this.registry = registry;
    }

    BatchSink sink(Exchange exchange) {
        String name = exchange.getProperty(SINK_PROPERTY, String.class);
        return sinks.computeIfAbsent(name, n -> {
            BatchSink sink = exchange.getContext().getRegistry().lookupByNameAndType(n, BatchSink.class);
            if (sink == null) {
                throw new IllegalStateException("route template parameter sink: no BatchSink bean named '" + n + "'");
            }
            return sink;
        });
    }

    static String deadLetterUri(Exchange exchange) {
        return exchange.getProperty(DEAD_LETTER_PROPERTY, String.class);
    }

    static String pipeline(Exchange exchange) {
        return exchange.getFromRouteId();
    }

    PipelineStats stats(Exchange exchange) {
        return registry.of(pipeline(exchange));
    }
}
