package io.batchpipeline.source;

import io.batchpipeline.common.Errors;
import org.apache.camel.Endpoint;
import org.apache.camel.component.springrabbit.SpringRabbitMQEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * Checks at startup that the queues a {@code spring-rabbitmq:} source reads exist, when it does not declare them itself
 * ({@code autoDeclare=false}). Without this a missing queue still starts, then Spring's container logs a stack trace
 * every few seconds while nothing is read. A broker that cannot be reached is not refused: the consumer connects once
 * it is back.
 */
public final class RabbitMqQueues {

    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqQueues.class);

    private RabbitMqQueues() {
    }

    /** @throws IllegalArgumentException naming a queue the broker says does not exist */
    public static void requireExisting(Endpoint endpoint) {
        if (!(endpoint instanceof SpringRabbitMQEndpoint rabbit) || rabbit.isAutoDeclare() || rabbit.getQueues() == null
                || rabbit.getConnectionFactory() == null) {
            return;
        }
        RabbitAdmin admin = new RabbitAdmin(rabbit.getConnectionFactory());
        for (String queue : rabbit.getQueues().split(",")) {
            try {
                if (admin.getQueueInfo(queue.trim()) == null) {
                    throw new IllegalArgumentException("RabbitMQ has no queue '" + queue.trim() + "' (in virtual host '"
                            + rabbit.getConnectionFactory().getVirtualHost() + "'): declare it, or drop autoDeclare=false from the URI"
                            + " for the consumer to declare it");
                }
            } catch (AmqpException e) {
                LOG.warn("{}: cannot reach RabbitMQ to check queue '{}' ({}); the consumer connects once it can",
                        rabbit.getEndpointUri(), queue.trim(), Errors.describe(e));
                return;
            }
        }
    }
}
