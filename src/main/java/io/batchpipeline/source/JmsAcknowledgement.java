package io.batchpipeline.source;

import io.batchpipeline.common.Errors;
import io.batchpipeline.common.SourceRoutes;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ShutdownRoute;
import org.apache.camel.component.jms.JmsConfiguration;
import org.apache.camel.component.jms.JmsConsumer;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.component.jms.JmsMessage;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acknowledges a JMS or AMQP 1.0 message ({@code jms:}, {@code amqp:}) when its exchange completes, that is once its
 * records are written (with the durable buffer: stored). The consumer is made asynchronous, its session acknowledges
 * each message on its own (individual acknowledgement, 101 in both bundled clients, Artemis' and Qpid JMS), and
 * Spring's listener container is told not to acknowledge when the listener returns; so the consumer takes the next
 * message while earlier ones wait for their batch, and records of many messages share a batch.
 *
 * <p>JMS itself has only client acknowledgement, which acknowledges every message the session received so far, and
 * with it a message still waiting for its batch. A connection factory of another provider is left as it was: its
 * messages are acknowledged when handed to the pipeline, and a warning says so.
 */
public final class JmsAcknowledgement extends SynchronizationAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(JmsAcknowledgement.class);

    /** {@code ActiveMQJMSConstants.INDIVIDUAL_ACKNOWLEDGE} and {@code JmsSession.INDIVIDUAL_ACKNOWLEDGE}: the same value. */
    static final int INDIVIDUAL_ACKNOWLEDGE = 101;

    /**
     * Writers complete exchanges on their threads, while a JMS session is for one thread at a time: acknowledgements
     * are made one at a time. They are cheap (the clients send them without waiting), so one lock does.
     */
    private static final Object ONE_AT_A_TIME = new Object();

    private final Message message;

    private JmsAcknowledgement(Message message) {
        this.message = message;
    }

    /**
     * Sets up a {@code jms:} or {@code amqp:} endpoint this way before its consumer starts; other endpoints, transacted
     * ones and those of other providers are left as they are.
     */
    public static void configure(CamelContext context, Endpoint endpoint) {
        if (!(endpoint instanceof JmsEndpoint jms)) {
            return;
        }
        JmsConfiguration configuration = jms.getConfiguration();
        if (configuration.isTransacted()) {
            LOG.warn("{}: transacted, so each message is committed when handed to the pipeline, before it is written",
                    jms.getEndpointUri());
            return;
        }
        ConnectionFactory factory = configuration.getConnectionFactory();
        String provider = factory == null ? "none" : factory.getClass().getName();
        if (!provider.startsWith("org.apache.activemq.artemis.") && !provider.startsWith("org.apache.qpid.jms.")) {
            LOG.warn("{}: connection factory {} is not one of the bundled clients (Artemis, Qpid JMS), whose individual"
                    + " acknowledgement the pipeline uses; messages are acknowledged when handed to the pipeline, before"
                    + " they are written: use batch.durable=true", jms.getEndpointUri(), provider);
            return;
        }
        configuration.setAsyncConsumer(true);
        configuration.setAcknowledgementMode(INDIVIDUAL_ACKNOWLEDGE);
        // otherwise, as a stop begins, Camel's listener container rejects the message it is receiving, and Spring then
        // recovers the session: every message still waiting for its batch went back to the queue, and was written again
        // after a restart; JmsIntakeGate holds what comes during the stop instead
        configuration.setAcceptMessagesWhileStopping(true);
        // the route's consumer and its listener container exist now, and have not started
        SourceRoutes.onAdd(context, endpoint, route -> {
            if (route.getConsumer() instanceof JmsConsumer consumer) {
                try {
                    consumer.getListenerContainer().setAcknowledgeAfterListener(false);
                    route.setShutdownRoute(ShutdownRoute.Defer);
                    route.addService(JmsIntakeGate.around(consumer.getListenerContainer()));
                } catch (Exception e) {
                    throw new IllegalStateException("cannot set up the JMS consumer of " + jms.getEndpointUri(), e);
                }
            }
        });
    }

    /** Whether messages from this endpoint are acknowledged when their exchange completes, as {@link #configure} sets up. */
    public static boolean acknowledgesOnCompletion(Endpoint endpoint) {
        return endpoint instanceof JmsEndpoint jms && jms.getConfiguration().getAcknowledgementMode() == INDIVIDUAL_ACKNOWLEDGE
                && jms.getConfiguration().isAsyncConsumer();
    }

    /** Called as a message enters the pipeline: it is acknowledged when its exchange completes. */
    static void install(Exchange exchange) {
        if (exchange.getMessage() instanceof JmsMessage jms && jms.getJmsMessage() != null
                && acknowledgesOnCompletion(exchange.getFromEndpoint())) {
            exchange.getExchangeExtension().addOnCompletion(new JmsAcknowledgement(jms.getJmsMessage()));
        }
    }

    @Override
    public void onComplete(Exchange exchange) {
        try {
            synchronized (ONE_AT_A_TIME) {
                message.acknowledge();
            }
        } catch (JMSException | RuntimeException e) {
            // the session is gone (the connection was lost, or a stop ran out of time): the broker delivers the message
            // again, whose records are written or stored
            BrokerMessage.notAcknowledged(exchange);
            LOG.warn("cannot acknowledge JMS message {}: {}; the broker will deliver it again", exchange.getMessage().getMessageId(),
                    Errors.describe(e));
        }
    }

    @Override
    public void onFailure(Exchange exchange) {
        // JMS cannot return one message: it stays unacknowledged, and comes again once its session closes
        LOG.warn("JMS message {} could not be taken ({}); the broker delivers it again after a restart", exchange.getMessage().getMessageId(),
                Errors.describe(exchange.getException()));
    }
}
