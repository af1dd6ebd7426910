package io.batchpipeline.source;

import com.rabbitmq.client.ShutdownSignalException;
import io.batchpipeline.common.Errors;
import org.apache.camel.Endpoint;
import org.apache.camel.component.springrabbit.SpringRabbitMQEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.AbstractConnectionFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionListener;

/**
 * Whether a {@code spring-rabbitmq:} source's connection is up, as its connection factory reports: readiness reads
 * it, and each change is logged once. Spring's container retries a lost connection every 5 s by itself (the messages
 * wait on the broker, unacknowledged); it logs each retry, which logback.xml cuts down to one line now and then.
 */
public final class RabbitMqConnection implements ConnectionListener, SourceConnection {

    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqConnection.class);

    private final String endpoint;
    private volatile String downReason;
    private volatile int failedAttempts;

    private RabbitMqConnection(String endpoint) {
        this.endpoint = endpoint;
    }

    /** Watches a RabbitMQ source's connection; null for other sources. */
    static RabbitMqConnection watch(Endpoint endpoint) {
        if (endpoint instanceof SpringRabbitMQEndpoint rabbit && rabbit.getConnectionFactory() instanceof AbstractConnectionFactory factory) {
            RabbitMqConnection connection = new RabbitMqConnection(rabbit.getEndpointUri());
            factory.addConnectionListener(connection);
            return connection;
        }
        return null;
    }

    /** Why the connection is down, and how many attempts to connect failed since, or null while it is up (or not tried yet). */
    @Override
    public String downReason() {
        String reason = downReason;
        return reason == null ? null : reason + " (failed attempts to connect since: " + failedAttempts + ")";
    }

    @Override
    public void onCreate(Connection connection) {
        if (downReason != null) {
            LOG.info("{}: connected to RabbitMQ again", endpoint);
        }
        downReason = null;
        failedAttempts = 0;
    }

    @Override
    public void onShutDown(ShutdownSignalException signal) {
        if (!signal.isInitiatedByApplication()) {
            down("RabbitMQ closed the connection: " + signal.getMessage());
        }
    }

    @Override
    public void onFailed(Exception exception) {
        down("cannot connect to RabbitMQ: " + Errors.describe(exception));
        failedAttempts++;
    }

    private synchronized void down(String reason) {
        if (downReason == null) {
            LOG.warn("{}: {}; the consumer tries again every 5 s, and the messages wait on the broker", endpoint, reason);
        }
        downReason = reason;
    }
}
