package io.batchpipeline.source;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import io.batchpipeline.common.Errors;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.nats.NatsConfiguration;
import org.apache.camel.component.nats.NatsConstants;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the pipeline's two {@code nats:} consumers share: they connect in the background ({@link NatsConnectionState}),
 * so a server that cannot be reached at start is waited for where camel-nats failed the start, subscribe once
 * connected (tried again, 1 s later, then twice as long each time), hand each message on without waiting for it to be
 * written, with the headers camel-nats sets, and on a stop close the subscription and send what is still to be sent.
 * A connection of the user's own ({@code connection} bean) is used as it is.
 */
abstract class NatsSourceConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(NatsSourceConsumer.class);

    /** The longest wait between two attempts to subscribe. */
    private static final Duration MAX_SUBSCRIBE_WAIT = Duration.ofSeconds(30);

    /** How long a stop waits for what is still to be sent (JetStream's last acknowledgements) to reach the server. */
    private static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(10);

    private Connection connection;
    private volatile Dispatcher dispatcher;

    NatsSourceConsumer(NatsSourceComponent.SourceEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    @Override
    public NatsSourceComponent.SourceEndpoint getEndpoint() {
        return (NatsSourceComponent.SourceEndpoint) super.getEndpoint();
    }

    /** Its subscription's dispatcher, which a stop drains; null before it has subscribed. */
    final Dispatcher dispatcher() {
        return dispatcher;
    }

    /** Subscribes on {@code connection} and returns the dispatcher that delivers to {@link #onMessage}; closes what it made if it fails. */
    abstract Dispatcher subscribe(Connection connection) throws IOException, JetStreamApiException;

    /** On the dispatcher's thread; returns once the message is handed on, not once it is written. */
    abstract void onMessage(Message message);

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        NatsConfiguration configuration = getEndpoint().getConfiguration();
        if (configuration.getConnection() != null) { // the user's own
            connection = configuration.getConnection();
            subscribeOnce();
            return;
        }
        getEndpoint().state().connectLater(getEndpoint().options(), this::connected);
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
        NatsConnectionState state = getEndpoint().state();
        for (long wait = 1000; isRunAllowed(); wait = Math.min(2 * wait, MAX_SUBSCRIBE_WAIT.toMillis())) {
            try {
                subscribeOnce();
                state.subscribed();
                return;
            } catch (IOException | JetStreamApiException | TimeoutException | RuntimeException e) {
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

    private synchronized void subscribeOnce() throws IOException, JetStreamApiException, TimeoutException {
        if (!isRunAllowed() || connection == null || dispatcher != null) {
            return;
        }
        Dispatcher made = subscribe(connection);
        try {
            connection.flush(FLUSH_TIMEOUT); // the server has the subscription: what is published from now on reaches it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | RuntimeException e) {
            connection.closeDispatcher(made);
            throw e;
        }
        dispatcher = made;
    }

    @Override
    protected synchronized void doStop() throws Exception {
        Dispatcher current = dispatcher;
        dispatcher = null;
        if (current != null && current.isActive()) {
            connection.closeDispatcher(current);
        }
        NatsConnectionState state = getEndpoint().state();
        state.stopping();
        if (connection == null) {
            state.abandon(NatsSourceConsumer::closeQuietly);
        } else {
            try {
                connection.flush(FLUSH_TIMEOUT);
            } catch (TimeoutException | IllegalStateException e) {
                LOG.warn("{}: what was still to be sent may not have reached the NATS server ({}); JetStream delivers the messages"
                        + " whose acknowledgements were lost again", getEndpoint().getEndpointBaseUri(), Errors.describe(e));
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

    /** An exchange of the message, with the headers camel-nats 4.17 sets (its user headers through the header filter). */
    final Exchange exchangeOf(Message message) {
        Exchange exchange = createExchange(false);
        org.apache.camel.Message in = exchange.getIn();
        in.setBody(message.getData());
        in.setHeader(NatsConstants.NATS_REPLY_TO, message.getReplyTo()); // JetStream: its acknowledgement subject, which names it
        in.setHeader(NatsConstants.NATS_SID, message.getSID());
        in.setHeader(NatsConstants.NATS_SUBJECT, message.getSubject());
        in.setHeader(NatsConstants.NATS_QUEUE_NAME, message.getSubscription().getQueueName());
        in.setHeader(NatsConstants.NATS_MESSAGE_TIMESTAMP,
                message.isJetStream() ? message.metaData().timestamp().toInstant().toEpochMilli() : System.currentTimeMillis());
        if (message.getHeaders() != null) {
            HeaderFilterStrategy filter = getEndpoint().getConfiguration().getHeaderFilterStrategy();
            for (Map.Entry<String, List<String>> header : message.getHeaders().entrySet()) {
                Object value = header.getValue().size() == 1 ? header.getValue().get(0) : header.getValue();
                if (filter == null || !filter.applyFilterToExternalHeaders(header.getKey(), value, exchange)) {
                    in.setHeader(header.getKey(), value);
                }
            }
        }
        return exchange;
    }

    /** Hands the exchange on without waiting for it to complete. */
    final void handOn(Exchange exchange) {
        getAsyncProcessor().process(exchange, doneSync -> releaseExchange(exchange, false));
    }
}
