package io.batchpipeline.batching;

import io.batchpipeline.common.SourceIntake;
import org.apache.camel.CamelContext;
import org.apache.camel.Navigate;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.processor.aggregate.AggregateProcessor;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * As soon as a stop begins, stops every source's intake ({@link SourceIntake}), then closes every open batch. A source
 * exchange completes only once its records are written, and Camel's graceful stop waits for it before the aggregator's
 * own {@code forceCompletionOnStop} runs: without this, a stop would first wait out the batch timeout.
 */
public class FlushOnStop extends EventNotifierSupport {

    private final CamelContext context;

    public FlushOnStop(CamelContext context) {
        this.context = context;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextStoppingEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        for (Route route : context.getRoutes()) {
            for (Object service : route.getServices()) {
                if (service instanceof SourceIntake intake) {
                    intake.stopIntake();
                }
            }
        }
        for (Route route : context.getRoutes()) {
            flush(route);
        }
    }

    /** Closes the open batches of a route's aggregators. */
    static void flush(Route route) {
        flush(route.navigate());
    }

    private static void flush(Navigate<Processor> node) {
        if (node == null || !node.hasNext()) {
            return;
        }
        for (Processor child : node.next()) {
            if (child instanceof AggregateProcessor aggregator) {
                aggregator.forceCompletionOfAllGroups();
            }
            if (child instanceof Navigate<?>) {
                @SuppressWarnings("unchecked")
                Navigate<Processor> next = (Navigate<Processor>) child;
                flush(next);
            }
        }
    }
}
