package io.batchpipeline.source;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.Channel;
import io.batchpipeline.common.Errors;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.component.springrabbit.SpringRabbitMQConstants;
import org.apache.camel.component.springrabbit.SpringRabbitMQEndpoint;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.rabbit.connection.ChannelProxy;

/**
 * Acknowledges a RabbitMQ message ({@code spring-rabbitmq:} source) when its exchange completes, that is once its
 * records are written (with the durable buffer: stored), and returns it to the queue when the exchange fails. The
 * consumer is made asynchronous with manual acknowledgement, so it takes the next message while earlier ones wait
 * for their batch: up to {@code prefetch} messages are in flight, and records of many messages share a batch. A
 * channel's messages are acknowledged together ({@link DeliveryWindow}).
 *
 * <p>Camel's own modes do not do this: the default acknowledges when the route returns (before the batch is
 * written), and its failure path without a recoverer acknowledges and drops a message after five attempts.
 */
public final class RabbitMqAcknowledgement extends SynchronizationAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(RabbitMqAcknowledgement.class);

    private static final String DELIVERY = "batchPipelineRabbitMqDelivery";

    /**
     * The windows of open channels, by the broker's channel itself: Spring's channel proxy can open a new one under
     * the same proxy, whose delivery tags start again at 1, where an old tag would acknowledge the wrong message.
     */
    private static final Map<Channel, DeliveryWindow> WINDOWS = new ConcurrentHashMap<>();

    /** Sends the acknowledgements that wait for more to join them; one daemon thread, mostly asleep. */
    private static final ScheduledExecutorService DELAYED = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "rabbitmq-acknowledgements");
        thread.setDaemon(true);
        return thread;
    });

    private final DeliveryWindow window;
    private final DeliveryWindow.Delivery delivery;

    private RabbitMqAcknowledgement(DeliveryWindow window, DeliveryWindow.Delivery delivery) {
        this.window = window;
        this.delivery = delivery;
    }

    /**
     * Sets up a {@code spring-rabbitmq:} endpoint this way before its consumer starts; other endpoints are left as they are.
     *
     * @param prefetch messages in flight, unless the URI names its own {@code prefetchCount}
     */
    public static void configure(Endpoint endpoint, long prefetch) {
        if (endpoint instanceof SpringRabbitMQEndpoint rabbit) {
            rabbit.setAsyncConsumer(true);
            rabbit.setAcknowledgeMode(AcknowledgeMode.MANUAL);
            if (!SourceUri.names(endpoint, "prefetchCount")) {
                rabbit.setPrefetchCount((int) Math.min(prefetch, 65_535)); // AMQP's prefetch is an unsigned short
            }
        }
    }

    /** Whether messages from this endpoint are acknowledged when their exchange completes, as {@link #configure} sets up. */
    public static boolean acknowledgesOnCompletion(Endpoint endpoint) {
        return endpoint instanceof SpringRabbitMQEndpoint rabbit && rabbit.isAsyncConsumer() && rabbit.getAcknowledgeMode() == AcknowledgeMode.MANUAL;
    }

    /** Called as a message enters the pipeline: it is acknowledged, or returned, when its exchange completes. */
    static void install(Exchange exchange) {
        Channel channel = exchange.getProperty(SpringRabbitMQConstants.CHANNEL, Channel.class);
        Long tag = exchange.getMessage().getHeader(SpringRabbitMQConstants.DELIVERY_TAG, Long.class);
        if (channel != null && tag != null && acknowledgesOnCompletion(exchange.getFromEndpoint())) {
            DeliveryWindow window = windowOf(channel instanceof ChannelProxy proxy ? proxy.getTargetChannel() : channel);
            DeliveryWindow.Delivery delivery = window.received(tag);
            exchange.setProperty(DELIVERY, delivery);
            exchange.getExchangeExtension().addOnCompletion(new RabbitMqAcknowledgement(window, delivery));
        }
    }

    private static DeliveryWindow windowOf(Channel channel) {
        DeliveryWindow window = WINDOWS.get(channel);
        if (window == null) {
            window = WINDOWS.computeIfAbsent(channel, c -> new DeliveryWindow(new DeliveryWindow.Broker() {
                @Override
                public void ack(long deliveryTag, boolean multiple) throws IOException {
                    c.basicAck(deliveryTag, multiple);
                }

                @Override
                public void nack(long deliveryTag) throws IOException {
                    c.basicNack(deliveryTag, false, true);
                }
            }, task -> DELAYED.schedule(task, DeliveryWindow.ACK_DELAY_MS, TimeUnit.MILLISECONDS)));
            channel.addShutdownListener(cause -> WINDOWS.remove(channel)); // run at once if it is closed already
        }
        return window;
    }

    /**
     * Runs {@code then} once the exchange's message is acknowledged to the broker, which can be after the exchange
     * completes; never if that fails (the broker delivers it again). Returns false if the message is not a RabbitMQ
     * one acknowledged this way.
     */
    static boolean whenAcknowledged(Exchange exchange, Runnable then) {
        DeliveryWindow.Delivery delivery = exchange.getProperty(DELIVERY, DeliveryWindow.Delivery.class);
        if (delivery == null) {
            return false;
        }
        delivery.whenAcknowledged(then);
        return true;
    }

    @Override
    public void onComplete(Exchange exchange) {
        window.acknowledge(delivery, exchange.getContext().isStopping());
    }

    @Override
    public void onFailure(Exchange exchange) {
        LOG.warn("message {} could not be taken ({}); it goes back to the queue", delivery.tag(), Errors.describe(exchange.getException()));
        window.giveBack(delivery);
    }
}
