package io.batchpipeline.source;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.batchpipeline.common.Errors;
import io.batchpipeline.common.SourceRoutes;
import jakarta.jms.ExceptionListener;
import jakarta.jms.JMSException;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.component.jms.JmsConsumer;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.listener.DefaultMessageListenerContainer;

/**
 * Whether a {@code jms:} or {@code amqp:} source is connected, as Spring's listener container knows it: readiness
 * reads it, and each change is logged once. Spring's container connects and reconnects by itself, every
 * {@code recoveryInterval} (5 s), and the messages wait on the broker; but Camel's consumer health check knows nothing
 * of it and says UP, and the container logs an ERROR at every attempt (logback.xml cuts those down to one line now
 * and then).
 */
public final class JmsConnection extends ServiceSupport implements SourceConnection, ExceptionListener {

    private static final Logger LOG = LoggerFactory.getLogger(JmsConnection.class);

    /** How often the container's state is looked at for the log: it tells of no reconnection. */
    private static final long CHECK_MILLIS = 1000;

    private final CamelContext context;
    private final String endpoint;
    private final long retryMillis;
    private volatile DefaultMessageListenerContainer container;
    private volatile ExceptionListener chained;
    private volatile String lastFailure;
    private volatile boolean loggedDown;
    private volatile boolean everConnected;
    private ScheduledExecutorService checker;

    private JmsConnection(CamelContext context, JmsEndpoint endpoint) {
        this.context = context;
        this.endpoint = endpoint.getEndpointBaseUri();
        this.retryMillis = endpoint.getConfiguration().getRecoveryInterval();
    }

    /** Watches a JMS source's connection once its route is added; null for other sources. */
    static JmsConnection watch(CamelContext context, Endpoint source) {
        if (!(source instanceof JmsEndpoint jms)) {
            return null;
        }
        JmsConnection connection = new JmsConnection(context, jms);
        SourceRoutes.onAdd(context, source, route -> {
            if (route.getConsumer() instanceof JmsConsumer consumer) {
                try {
                    if (consumer.getListenerContainer() instanceof DefaultMessageListenerContainer listening) {
                        connection.chained = listening.getExceptionListener();
                        listening.setExceptionListener(connection);
                        connection.container = listening;
                        context.addService(connection, true, true); // started now or with the context, stopped with it
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("cannot watch the JMS consumer of " + jms.getEndpointUri(), e);
                }
            }
        });
        return connection;
    }

    /** Why the source cannot receive: not connected to the broker, or not subscribed yet; null once it is, or while it stops. */
    @Override
    public String downReason() {
        DefaultMessageListenerContainer listening = container;
        if (listening == null || !listening.isRunning() || connected(listening)) {
            return null;
        }
        String failure = lastFailure;
        return failure == null ? "not yet connected to the JMS broker" : "JMS broker not reachable: " + failure;
    }

    /**
     * Consuming: a consumer of the container has been made on the destination, and the container is not reconnecting.
     * A container that caches no consumer (a {@code cacheLevelName} below CACHE_CONSUMER) makes them anew for each
     * receive: for it, not reconnecting is all there is to know.
     */
    private static boolean connected(DefaultMessageListenerContainer listening) {
        if (listening.isRecovering()) {
            return false;
        }
        return listening.getCacheLevel() < DefaultMessageListenerContainer.CACHE_CONSUMER || listening.isRegisteredWithDestination();
    }

    /** Spring's container tells of each failure to connect, and of a connection lost. */
    @Override
    public void onException(JMSException exception) {
        lastFailure = Errors.describe(exception);
        check();
        ExceptionListener next = chained;
        if (next != null) {
            next.onException(exception);
        }
    }

    private synchronized void check() {
        DefaultMessageListenerContainer listening = container;
        if (listening == null || !listening.isRunning()) {
            return;
        }
        if (connected(listening)) {
            if (loggedDown) {
                LOG.info("{}: connected to the JMS broker{}", endpoint, everConnected ? " again" : "");
            }
            loggedDown = false;
            everConnected = true;
            lastFailure = null;
        } else if (lastFailure != null && !loggedDown) {
            loggedDown = true;
            LOG.warn("{}: {} ({}); the consumer tries again every {} ms, and the messages wait on the broker", endpoint,
                    everConnected ? "JMS broker lost" : "cannot connect to the JMS broker", lastFailure, retryMillis);
        }
    }

    @Override
    protected void doStart() {
        checker = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "JmsConnection");
        checker.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (checker != null) {
            context.getExecutorServiceManager().shutdownNow(checker);
            checker = null;
        }
    }
}
