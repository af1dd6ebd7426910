package io.batchpipeline.batching;

import io.batchpipeline.common.SourceRoutes;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.ShutdownRunningTask;
import org.apache.camel.spi.ShutdownAware;
import org.apache.camel.support.service.ServiceSupport;

/**
 * A service of the pipeline's route that tells Camel's graceful stop of the records read and not yet written: the
 * batches handed to the writers, and an open batch, which it closes at once. For a source that completes its exchange
 * as the records are handed over (NATS, {@code direct:}), no exchange of the route holds them: the stop went on,
 * stopped the route's processors while batches were being written or still open, and those failed (806 of 20,000
 * NATS records read were never written, in one stop by hand). An open batch seen during a stop holds records that
 * came in after {@link FlushOnStop} closed the others (a NATS subscription drained into the route).
 */
public final class PendingWrites extends ServiceSupport implements ShutdownAware {

    private final WriterPool writers;
    private final BatchAggregationStrategy batches;
    private final Route route;

    private PendingWrites(WriterPool writers, BatchAggregationStrategy batches, Route route) {
        this.writers = writers;
        this.batches = batches;
        this.route = route;
    }

    /** Adds this to the route that reads {@code source}, as it is added. */
    public static void watch(CamelContext context, Endpoint source, WriterPool writers, BatchAggregationStrategy batches) {
        SourceRoutes.onAdd(context, source, route -> route.addService(new PendingWrites(writers, batches, route)));
    }

    /** Asked only by the shutdown strategy, while it waits. */
    @Override
    public int getPendingExchangesSize() {
        int pending = writers.pendingBatches();
        if (batches.openRecords() > 0) {
            FlushOnStop.flush(route);
            pending++;
        }
        return pending;
    }

    @Override
    public boolean deferShutdown(ShutdownRunningTask shutdownRunningTask) {
        return false;
    }

    @Override
    public void prepareShutdown(boolean suspendOnly, boolean forced) {
        // FlushOnStop has closed the open batches as the stop began; getPendingExchangesSize closes those opened since
    }
}
