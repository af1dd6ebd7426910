package io.batchpipeline.source;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.batchpipeline.common.Errors;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamConfiguration;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.nats.NatsConfiguration;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a JetStream stream and acknowledges each message only when its exchange completes: once its records are
 * written or dead-lettered (with the durable buffer, stored), so that a crash delivers it again instead of losing it.
 * Written here because camel-nats 4.17 subscribes with JetStream's auto-acknowledgement, which acknowledges as the
 * route returns, when the records have only reached the aggregator (a kill lost them), and has no manual mode.
 *
 * <p>It keeps camel-nats' reading of the URI: the connection from the endpoint's options, the stream made if it is
 * missing, the durable consumer {@code <durableName>-durable} (so one camel-nats made is taken over), the queue
 * group, a {@code consumerConfiguration} bean taken as it is, and the headers camel-nats sets. Messages are handed on
 * without waiting for the previous ones' records, so records of many messages share a batch; the consumer's
 * {@code max_ack_pending} is raised to what the hand-off holds, or the server would stop sending before a batch fills.
 * It connects in the background and subscribes once connected, as {@link NatsSourceConsumer} says.
 */
final class JetStreamConsumer extends NatsSourceConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(JetStreamConsumer.class);

    /** A message that could not be taken comes again after this, not at once: a failed write would otherwise spin. */
    static final Duration REDELIVERY_DELAY = Duration.ofSeconds(1);

    private final long inFlight;
    /** Handed on and not yet acknowledged: told to the server as in progress, so it does not deliver them again meanwhile. */
    private final Set<Message> held = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService keeper;

    /** @param inFlight messages handed on and not yet acknowledged that the server should allow at least; 0: its own limit */
    JetStreamConsumer(NatsSourceComponent.SourceEndpoint endpoint, Processor processor, long inFlight) {
        super(endpoint, processor);
        this.inFlight = inFlight;
    }

    @Override
    Dispatcher subscribe(Connection connection) throws IOException, JetStreamApiException {
        NatsConfiguration configuration = getEndpoint().getConfiguration();
        if (!connection.getServerInfo().isJetStreamAvailable()) {
            throw new IllegalStateException("the NATS server at " + connection.getConnectedUrl() + " has no JetStream: start it with -js,"
                    + " or leave jetstreamEnabled out of source.uri to read core NATS (at most once)");
        }
        String stream = configuration.getJetstreamName();
        JetStreamManagement management = connection.jetStreamManagement();
        requireStream(management, stream, configuration.getTopic());
        PushSubscribeOptions options = PushSubscribeOptions.builder().stream(stream)
                .configuration(consumerConfiguration(management, stream, configuration)).deliverGroup(configuration.getQueueName()).build();
        Dispatcher created = connection.createDispatcher();
        Duration ackWait;
        try {
            JetStreamSubscription subscription = connection.jetStream().subscribe(configuration.getTopic(), configuration.getQueueName(),
                    created, this::onMessage, false, options);
            ackWait = subscription.getConsumerInfo().getConsumerConfiguration().getAckWait();
        } catch (IOException | JetStreamApiException | RuntimeException e) { // tried again whole
            connection.closeDispatcher(created);
            throw e;
        }
        keepHeldInProgress(ackWait);
        return created;
    }

    /**
     * A message not acknowledged within the consumer's ack wait (30 s by default) is delivered again, though the pipeline
     * still holds it: its batch waits for a database that is down, say. Each copy would then be written too. So the
     * messages held are told to the server as in progress, three times per ack wait, which restarts its clock.
     */
    private synchronized void keepHeldInProgress(Duration ackWait) {
        long period = Math.max(200, ackWait.toMillis() / 3);
        if (keeper != null) { // subscribed again after a failed attempt
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(keeper);
        }
        keeper = getEndpoint().getCamelContext().getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "JetStreamInProgress");
        keeper.scheduleWithFixedDelay(() -> {
            for (Message message : held) {
                try {
                    message.inProgress();
                } catch (RuntimeException e) { // the connection is down: the client sends nothing meanwhile
                    return;
                }
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() throws Exception {
        synchronized (this) {
            if (keeper != null) {
                getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(keeper);
                keeper = null;
            }
        }
        super.doStop();
    }

    /** As camel-nats does: a stream named in the URI that is not there yet is made, for the URI's subject. */
    private static void requireStream(JetStreamManagement management, String stream, String subject) throws IOException, JetStreamApiException {
        try {
            management.getStreamInfo(stream);
        } catch (JetStreamApiException e) {
            if (e.getErrorCode() != 404) {
                throw e;
            }
            management.addStream(StreamConfiguration.builder().name(stream).subjects(subject).build());
            LOG.info("JetStream stream '{}' made, for subject {}", stream, subject);
        }
    }

    private ConsumerConfiguration consumerConfiguration(JetStreamManagement management, String stream, NatsConfiguration configuration)
            throws IOException, JetStreamApiException {
        if (configuration.getConsumerConfiguration() != null) {
            return configuration.getConsumerConfiguration();
        }
        String durable = configuration.getDurableName() + "-durable";
        ConsumerInfo existing = consumerInfo(management, stream, durable);
        if (existing == null) {
            ConsumerConfiguration.Builder made = ConsumerConfiguration.builder().durable(durable).ackPolicy(AckPolicy.Explicit);
            return (inFlight > 0 ? made.maxAckPending(inFlight) : made).build();
        }
        ConsumerConfiguration current = existing.getConsumerConfiguration();
        if (current.getAckPolicy() == AckPolicy.None) {
            throw new IllegalStateException("JetStream consumer " + durable + " of stream " + stream + " takes no acknowledgements, so a crash"
                    + " would lose what is not yet written: delete it (nats consumer rm " + stream + " " + durable + "), and the pipeline"
                    + " makes one that does");
        }
        long maxAckPending = current.getMaxAckPending();
        if (maxAckPending > 0 && maxAckPending < inFlight) { // 0 or less: no limit
            management.updateConsumer(stream, ConsumerConfiguration.builder(current).maxAckPending(inFlight).build());
            LOG.info("JetStream consumer {} of stream {}: max_ack_pending raised from {} to {}, what the hand-off holds", durable, stream,
                    maxAckPending, inFlight);
        }
        return ConsumerConfiguration.builder().durable(durable).build(); // bound to as it is
    }

    private static ConsumerInfo consumerInfo(JetStreamManagement management, String stream, String durable) throws IOException, JetStreamApiException {
        try {
            return management.getConsumerInfo(stream, durable);
        } catch (JetStreamApiException e) {
            if (e.getErrorCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    @Override
    void onMessage(Message message) {
        Exchange exchange = exchangeOf(message);
        if (message.metaData().deliveredCount() > 1) { // with the durable buffer, it resumes after its stored records
            BrokerMessage.deliveredBefore(exchange);
        }
        held.add(message);
        exchange.getExchangeExtension().addOnCompletion(new Acknowledgement(message));
        handOn(exchange);
    }

    /** Acknowledges the message once its exchange completes; one that fails comes again. */
    private final class Acknowledgement extends SynchronizationAdapter {

        private final Message message;

        Acknowledgement(Message message) {
            this.message = message;
        }

        @Override
        public void onComplete(Exchange exchange) {
            held.remove(message);
            try {
                message.ack();
            } catch (RuntimeException e) { // the connection is closed: the server delivers it again
                BrokerMessage.notAcknowledged(exchange);
                LOG.warn("cannot acknowledge JetStream message {}: {}; the server delivers it again", BrokerMessage.identity(exchange),
                        Errors.describe(e));
            }
        }

        @Override
        public void onFailure(Exchange exchange) {
            held.remove(message);
            Exception cause = exchange.getException();
            LOG.warn("JetStream message {} could not be taken ({}); it comes again in {} s", BrokerMessage.identity(exchange),
                    cause != null ? Errors.describe(cause) : "rolled back", REDELIVERY_DELAY.toSeconds());
            try {
                message.nakWithDelay(REDELIVERY_DELAY);
            } catch (RuntimeException e) { // the connection is closed: it comes again once its acknowledgement wait is over
                LOG.debug("cannot return JetStream message: {}", e.getMessage());
            }
        }
    }
}
