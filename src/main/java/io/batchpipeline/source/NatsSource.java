package io.batchpipeline.source;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.batchpipeline.common.Errors;
import io.batchpipeline.common.SourceRoutes;
import io.nats.client.Dispatcher;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.ShutdownRoute;
import org.apache.camel.component.nats.NatsConfiguration;
import org.apache.camel.component.nats.NatsConsumer;
import org.apache.camel.component.nats.NatsEndpoint;
import org.apache.camel.spi.ShutdownPrepared;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up a {@code nats:} source. camel-nats 4.17 sends the exchange's body as a reply to any message that has a reply
 * subject; a JetStream message's reply subject is its acknowledgement subject, so that reply acknowledged each message
 * when handed over. Replies are turned off: a JetStream message is then acknowledged when its route returns (with the
 * durable buffer, once its records are stored). Its pull mode never pulls, so JetStream is consumed by push.
 *
 * <p>A graceful stop: camel-nats' consumer can neither be suspended nor defer its stop, so Camel stopped it at once,
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

    /** @throws IllegalArgumentException for a JetStream URI that would read nothing, or read its stream again at every start */
    public static void configure(CamelContext context, Endpoint endpoint) {
        if (!(endpoint instanceof NatsEndpoint nats)) {
            return;
        }
        NatsConfiguration configuration = nats.getConfiguration();
        configuration.setReplyToDisabled(true);
        SourceRoutes.onAdd(context, endpoint, route -> {
            route.setShutdownRoute(ShutdownRoute.Defer);
            route.addService(new Drain(route));
        });
        if (!configuration.isJetstreamEnabled()) {
            return;
        }
        if (configuration.isPullSubscription() && SourceUri.names(endpoint, "pullSubscription")) {
            throw new IllegalArgumentException("pullSubscription=true reads nothing: camel-nats 4.17 subscribes but never pulls;"
                    + " leave it out, and the pipeline consumes JetStream by push");
        }
        if (configuration.getDurableName() == null || configuration.getDurableName().isBlank()) {
            throw new IllegalArgumentException("a JetStream source needs a durableName (&durableName=orders-loader): without one"
                    + " each start makes a new consumer, which reads the stream again from its start");
        }
        configuration.setPullSubscription(false);
    }

    /** Told by Camel's shutdown strategy that the route is about to stop, before it waits for the exchanges in flight. */
    private static final class Drain extends ServiceSupport implements ShutdownPrepared {

        private final Route route;
        private volatile boolean drained;

        Drain(Route route) {
            this.route = route;
        }

        @Override
        protected void doStart() {
            drained = false;
        }

        @Override
        public void prepareShutdown(boolean suspendOnly, boolean forced) {
            if (drained || forced || !(route.getConsumer() instanceof NatsConsumer consumer)) {
                return;
            }
            drained = true;
            try {
                // camel-nats keeps its dispatcher to itself; drained, it is closed, and the consumer's own stop would
                // fail to unsubscribe it, so the field is cleared
                Field field = NatsConsumer.class.getDeclaredField("dispatcher");
                field.setAccessible(true);
                Dispatcher dispatcher = (Dispatcher) field.get(consumer);
                if (dispatcher == null || !dispatcher.isActive()) {
                    return;
                }
                boolean done = dispatcher.drain(DRAIN_TIMEOUT).get(DRAIN_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
                field.set(consumer, null);
                LOG.info("{}: stopping; the subscription is drained{}", route.getEndpoint().getEndpointBaseUri(),
                        done ? "" : ", but not all it had received was handed on within " + DRAIN_TIMEOUT.toSeconds() + " s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ReflectiveOperationException | ExecutionException | TimeoutException | RuntimeException e) {
                LOG.warn("{}: cannot drain the subscription as the pipeline stops ({}); records not yet handed on may be lost",
                        route.getEndpoint().getEndpointBaseUri(), Errors.describe(e));
            }
        }
    }
}
