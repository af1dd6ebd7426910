package io.batchpipeline.source;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
import org.apache.camel.component.nats.NatsConstants;
import org.apache.camel.component.nats.NatsEndpoint;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.support.DefaultConsumer;
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
 * It connects in the background ({@link NatsConnectionState}): a server that cannot be reached at start is waited for,
 * where camel-nats failed the start, and it subscribes once connected.
 */
final class JetStreamConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(JetStreamConsumer.class);

    /** A message that could not be taken comes again after this, not at once: a failed write would otherwise spin. */
    static final Duration REDELIVERY_DELAY = Duration.ofSeconds(1);

    /** The longest wait between two attempts to subscribe. */
    private static final Duration MAX_SUBSCRIBE_WAIT = Duration.ofSeconds(30);

    /** How long a stop waits for the last acknowledgements to reach the server. */
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);

    private final long inFlight;
    private Connection connection;
    private volatile Dispatcher dispatcher;
    /** Handed on and not yet acknowledged: told to the server as in progress, so it does not deliver them again meanwhile. */
    private final Set<Message> held = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService keeper;

    /** @param inFlight messages handed on and not yet acknowledged that the server should allow at least; 0: its own limit */
    JetStreamConsumer(NatsEndpoint endpoint, Processor processor, long inFlight) {
        super(endpoint, processor);
        this.inFlight = inFlight;
    }

    @Override
    public NatsEndpoint getEndpoint() {
        return (NatsEndpoint) super.getEndpoint();
    }

    /** Its subscription's dispatcher, which a stop drains; null before it starts. */
    Dispatcher dispatcher() {
        return dispatcher;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        NatsConfiguration configuration = getEndpoint().getConfiguration();
        if (configuration.getConnection() != null) { // the user's own
            connection = configuration.getConnection();
            subscribe();
            return;
        }
        // in the background: a server that cannot be reached is waited for (camel-nats failed the start), and the
        // consumer subscribes once connected
        NatsSourceComponent.SourceEndpoint endpoint = (NatsSourceComponent.SourceEndpoint) getEndpoint();
        endpoint.state().connectLater(endpoint.options(), this::connected);
    }

    private void connected(Connection made) {
        synchronized (this) {
            if (!isRunAllowed()) { // stopped meanwhile
                closeQuietly(made);
                return;
            }
            connection = made;
        }
        // request and reply right after a connection can time out: tried again, 1 s later, then twice as long each time
        NatsConnectionState state = ((NatsSourceComponent.SourceEndpoint) getEndpoint()).state();
        for (long wait = 1000; isRunAllowed(); wait = Math.min(2 * wait, MAX_SUBSCRIBE_WAIT.toMillis())) {
            try {
                subscribe();
                state.subscribed();
                return;
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                state.cannotSubscribe(Errors.describe(e), wait);
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private synchronized void subscribe() throws IOException, JetStreamApiException {
        if (!isRunAllowed() || connection == null || dispatcher != null) {
            return;
        }
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
        dispatcher = created;
        keepHeldInProgress(ackWait);
    }

    /**
     * A message not acknowledged within the consumer's ack wait (30 s by default) is delivered again, though the pipeline
     * still holds it: its batch waits for a database that is down, say. Each copy would then be written too. So the
     * messages held are told to the server as in progress, three times per ack wait, which restarts its clock.
     */
    private void keepHeldInProgress(Duration ackWait) {
        long period = Math.max(200, ackWait.toMillis() / 3);
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
    protected synchronized void doStop() throws Exception {
        if (keeper != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(keeper);
            keeper = null;
        }
        Dispatcher current = dispatcher;
        dispatcher = null;
        if (current != null && current.isActive()) {
            connection.closeDispatcher(current);
        }
        NatsConnectionState state = ((NatsSourceComponent.SourceEndpoint) getEndpoint()).state();
        state.stopping();
        if (connection == null) {
            state.abandon(JetStreamConsumer::closeQuietly);
        } else {
            try {
                connection.flush(FLUSH_TIMEOUT); // the acknowledgements sent last reach the server
            } catch (TimeoutException | IllegalStateException e) {
                LOG.warn("{}: the last acknowledgements may not have reached the NATS server ({}); those messages come again",
                        getEndpoint().getEndpointBaseUri(), Errors.describe(e));
            }
            if (getEndpoint().getConfiguration().getConnection() == null) {
                connection.close();
            }
            connection = null;
        }
        super.doStop();
    }

    private static void closeQuietly(Connection made) {
        try {
            made.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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

    /** On the dispatcher's thread; returns once the message is handed on, not once it is written. */
    private void onMessage(Message message) {
        Exchange exchange = createExchange(false);
        org.apache.camel.Message in = exchange.getIn();
        in.setBody(message.getData());
        in.setHeader(NatsConstants.NATS_REPLY_TO, message.getReplyTo()); // its acknowledgement subject: names the message
        in.setHeader(NatsConstants.NATS_SID, message.getSID());
        in.setHeader(NatsConstants.NATS_SUBJECT, message.getSubject());
        in.setHeader(NatsConstants.NATS_QUEUE_NAME, message.getSubscription().getQueueName());
        in.setHeader(NatsConstants.NATS_MESSAGE_TIMESTAMP, message.metaData().timestamp().toInstant().toEpochMilli());
        if (message.getHeaders() != null) {
            HeaderFilterStrategy filter = getEndpoint().getConfiguration().getHeaderFilterStrategy();
            for (Map.Entry<String, List<String>> header : message.getHeaders().entrySet()) {
                Object value = header.getValue().size() == 1 ? header.getValue().get(0) : header.getValue();
                if (filter == null || !filter.applyFilterToExternalHeaders(header.getKey(), value, exchange)) {
                    in.setHeader(header.getKey(), value);
                }
            }
        }
        if (message.metaData().deliveredCount() > 1) { // with the durable buffer, it resumes after its stored records
            BrokerMessage.deliveredBefore(exchange);
        }
        held.add(message);
        exchange.getExchangeExtension().addOnCompletion(new Acknowledgement(message));
        getAsyncProcessor().process(exchange, doneSync -> releaseExchange(exchange, false));
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
