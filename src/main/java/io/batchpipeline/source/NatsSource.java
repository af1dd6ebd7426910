package io.batchpipeline.source;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.batchpipeline.common.Errors;
import io.batchpipeline.common.SourceIntake;
import io.batchpipeline.common.SourceRoutes;
import io.nats.client.Dispatcher;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.ShutdownRoute;
import org.apache.camel.component.nats.NatsConfiguration;
import org.apache.camel.component.nats.NatsEndpoint;
import org.apache.camel.spi.ShutdownPrepared;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up a {@code nats:} source, read by the pipeline's own consumers (through {@link NatsSourceComponent}), which
 * wait for a server that cannot be reached at start. Core NATS acknowledges nothing (at most once). JetStream's consumer
 * ({@link JetStreamConsumer}) acknowledges a message once its records are written (with the durable buffer, stored).
 * They send no reply: camel-nats 4.17's sent the exchange's body as a reply to any core message with a reply subject.
 *
 * <p>A graceful stop: camel-nats' consumer could neither be suspended nor defer its stop, so Camel stopped it at once,
 * and the route's processors with it; records read but not yet written were lost (51 of 3,846 in one stop by hand),
 * with a WARN and a stack trace per batch. Here the route's consumer stops last, and as the stop begins its
 * dispatcher is drained ({@link Drain}): the server sends it nothing more (JetStream keeps those messages for the
 * next start), and what it has received is handed on; {@code PendingWrites} holds the stop until it is written.
 */
public final class NatsSource {

    private static final Logger LOG = LoggerFactory.getLogger(NatsSource.class);

    private NatsSource() {
    }

    /** How long a stop waits for the messages the consumer has received to be handed on. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    /**
     * @param inFlight JetStream messages handed on and not yet acknowledged that the server should allow, enough to fill
     *                 every batch the hand-off holds
     * @throws IllegalArgumentException for a JetStream URI that names no stream, or would read its stream again at every start
     */
    public static void configure(CamelContext context, Endpoint endpoint, long inFlight) {
        if (!(endpoint instanceof NatsEndpoint nats)) {
            return;
        }
        if (!(endpoint instanceof NatsSourceComponent.SourceEndpoint source)) {
            throw new IllegalStateException("the nats component is not the pipeline's own (" + NatsSourceComponent.class.getName()
                    + "), so JetStream messages would be acknowledged before they are written and a stop would lose what was read;"
                    + " do not bind another under 'nats'");
        }
        NatsConfiguration configuration = nats.getConfiguration();
        if (!SourceUri.names(endpoint, "maxReconnectAttempts")) { // camel-nats' 60 gave up for good after 2 minutes
            configuration.setMaxReconnectAttempts(-1);
        }
        SourceRoutes.onAdd(context, endpoint, route -> {
            route.setShutdownRoute(ShutdownRoute.Defer);
            route.addService(new Drain(route, source));
        });
        if (!configuration.isJetstreamEnabled()) {
            return;
        }
        if (configuration.isPullSubscription() && SourceUri.names(endpoint, "pullSubscription")) {
            throw new IllegalArgumentException("pullSubscription=true: the pipeline consumes JetStream by push; leave it out");
        }
        if (configuration.getJetstreamName() == null || configuration.getJetstreamName().isBlank()) {
            throw new IllegalArgumentException("a JetStream source needs the stream's name (&jetstreamName=ORDERS)");
        }
        if (configuration.getDurableName() == null || configuration.getDurableName().isBlank()) {
            throw new IllegalArgumentException("a JetStream source needs a durableName (&durableName=orders-loader): without one"
                    + " each start makes a new consumer, which reads the stream again from its start");
        }
        source.setInFlight(inFlight);
    }

    /** Whether the endpoint's consumer takes the completion of a message's exchange as its acknowledgement: JetStream's. */
    static boolean acknowledgesOnCompletion(Endpoint endpoint) {
        return endpoint instanceof NatsSourceComponent.SourceEndpoint nats && nats.getConfiguration().isJetstreamEnabled();
    }

    /** Drains the subscription as the stop begins: what the consumer received is handed on, nothing more is taken. */
    private static final class Drain extends ServiceSupport implements SourceIntake, ShutdownPrepared {

        private final Route route;
        private final NatsSourceComponent.SourceEndpoint endpoint;
        private volatile boolean drained;

        Drain(Route route, NatsSourceComponent.SourceEndpoint endpoint) {
            this.route = route;
            this.endpoint = endpoint;
        }

        @Override
        protected void doStart() {
            drained = false;
            endpoint.state().starting();
        }

        @Override
        public void prepareShutdown(boolean suspendOnly, boolean forced) {
            if (!forced) {
                stopIntake();
            }
        }

        @Override
        public void stopIntake() {
            if (drained) {
                return;
            }
            drained = true;
            endpoint.state().stopping();
            try {
                Dispatcher dispatcher = route.getConsumer() instanceof NatsSourceConsumer consumer ? consumer.dispatcher() : null;
                if (dispatcher == null || !dispatcher.isActive()) {
                    return;
                }
                boolean done = dispatcher.drain(DRAIN_TIMEOUT).get(DRAIN_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
                LOG.info("{}: stopping; the subscription is drained{}", endpoint.getEndpointBaseUri(),
                        done ? "" : ", but not all it had received was handed on within " + DRAIN_TIMEOUT.toSeconds() + " s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                LOG.warn("{}: cannot drain the subscription as the pipeline stops ({}); records not yet handed on may be lost",
                        endpoint.getEndpointBaseUri(), Errors.describe(e));
            }
        }
    }
}
