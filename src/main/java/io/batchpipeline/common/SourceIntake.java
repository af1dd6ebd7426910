package io.batchpipeline.common;

/**
 * A route service that stops its source taking messages, while what was taken is still written and acknowledged.
 * {@code FlushOnStop} stops every source's intake as the context begins to stop, before Camel's graceful stop of the
 * routes: that stop tells the route's services in their order, the aggregator before any service a source adds, and
 * the aggregator's {@code forceCompletionOnStop} waits until no batch is being completed, which under a steady intake
 * lasted until the queue was empty (three JMS consumers took the remaining 40,000 messages). A service also stops its
 * intake when Camel prepares it, for a route stopped on its own.
 */
public interface SourceIntake {

    /** Takes no more messages from now on; may be called more than once. */
    void stopIntake();
}
