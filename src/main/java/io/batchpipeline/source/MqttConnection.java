package io.batchpipeline.source;

import java.util.ArrayList;
import java.util.List;

import io.batchpipeline.common.SourceRoutes;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.ShutdownRoute;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Consumer;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Endpoint;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.camel.util.URISupport;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT client of a {@code paho-mqtt5:} source, made and connected by the pipeline ({@link MqttClientService})
 * with this callback in place of camel-paho-mqtt5's own. That one had three faults, each found against Mosquitto:
 * <ul>
 * <li>After the client reconnected by itself it subscribed again on the client's callback thread and waited there
 * for the broker's answer; but the broker first sends the messages its session kept, they fill the queue of that
 * same thread, the client stops reading, and the answer never comes. The source stood still for good, logging
 * nothing, with readiness UP (BusesIT cuts Mosquitto off behind a proxy). Here the subscription is made again on a
 * thread of its own, and readiness reads whether the connection is up, each change logged once.</li>
 * <li>The consumer connects before it sets its callback, and the broker resends what the session kept right after
 * it accepts the connection: Paho drops a message that arrives with no callback set, unacknowledged, so the broker
 * kept it for the next connection, where the same could happen again (14-50 of 20,000 records stuck so after a
 * graceful stop and a restart). Here the callback is set before the client connects, and a message that arrives
 * before the consumer has started waits for it.</li>
 * <li>The consumer can neither be suspended nor defer its stop, so Camel stopped it at once with the route's
 * processors: the messages in hand failed on their way (a WARN and a stack trace each), their acknowledgements
 * could not be sent, and the next start wrote them again (606 duplicates of 20,000), after the stop had waited out
 * its whole timeout. Here the route's consumer stops last ({@link ShutdownRoute#Defer}), the client disconnects
 * after it, and from the moment the stop begins messages that arrive are left with the broker for the next start.</li>
 * </ul>
 * A broker down at start no longer fails the start: the client keeps trying ({@link MqttClientService}) and the
 * consumer's subscription waits for it ({@link MqttSourceClient}). A message goes to the route just as
 * camel-paho-mqtt5 hands it on: its exchange and its acknowledgement.
 */
public final class MqttConnection implements MqttCallback, SourceConnection {

    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);

    private final String endpoint;
    private volatile String downReason;
    /** A stop has begun: messages arriving now stay with the broker. */
    private volatile boolean stopping;
    /** The started consumer, or null; guarded by {@code early} while null. */
    private volatile PahoMqtt5Consumer consumer;
    /** Messages that arrived before the consumer started. */
    private final List<Arrived> early = new ArrayList<>();

    private record Arrived(String topic, MqttMessage message) {
    }

    private MqttConnection(String endpoint) {
        this.endpoint = endpoint;
    }

    /** Gives an MQTT source's consumer a client of the pipeline's, with this callback; null for other sources. */
    static MqttConnection watch(CamelContext context, Endpoint source) {
        if (!(source instanceof PahoMqtt5Endpoint mqtt)) {
            return null;
        }
        MqttConnection connection = new MqttConnection(URISupport.sanitizeUri(source.getEndpointUri()));
        MqttClientService client = new MqttClientService(mqtt, connection);
        SourceRoutes.onAdd(context, source, route -> {
            route.setShutdownRoute(ShutdownRoute.Defer);
            route.addService(client); // stopped after the consumer
            try {
                client.connect(route);
            } catch (Exception e) {
                throw RuntimeCamelException.wrapRuntimeCamelException(e);
            }
            route.getRoutePolicyList().add(new RoutePolicySupport() {
                /** The consumer has subscribed, with its own callback set. */
                @Override
                public void onStart(Route started) {
                    if (started.getConsumer() instanceof PahoMqtt5Consumer consumer) {
                        connection.started(consumer);
                    }
                }
            });
        });
        return connection;
    }

    /** Why the connection is down, or null while it is up. */
    @Override
    public String downReason() {
        return downReason;
    }

    /** The client is about to connect: messages are handed on again. */
    void connecting() {
        stopping = false;
    }

    /** The route is about to stop: messages that arrive from now on are left with the broker. */
    void stopping() {
        if (!stopping) {
            stopping = true;
            LOG.info("{}: stopping; messages that arrive from now on stay with the broker for the next start", endpoint);
        }
    }

    private void started(PahoMqtt5Consumer started) {
        List<Arrived> waiting;
        synchronized (early) {
            consumer = started;
            waiting = new ArrayList<>(early);
            early.clear();
        }
        MqttClient client = started.getClient();
        client.setCallback(this);
        if (client instanceof MqttSourceClient held && held.heldBack() && client.isConnected()) {
            held.subscribeAgain(); // connected while the consumer's callback stood in for this one
        }
        waiting.forEach(arrived -> handOn(started, arrived.topic(), arrived.message()));
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        if (stopping) {
            return; // not acknowledged: the broker's session keeps it, and delivers it again at the next connection
        }
        PahoMqtt5Consumer started = consumer;
        if (started == null) {
            synchronized (early) {
                started = consumer;
                if (started == null) {
                    early.add(new Arrived(topic, message));
                    return;
                }
            }
        }
        handOn(started, topic, message);
    }

    private static void handOn(PahoMqtt5Consumer consumer, String topic, MqttMessage message) {
        Exchange exchange = consumer.createExchange(message, topic);
        consumer.getAsyncProcessor().process(exchange, consumer.defaultConsumerCallback(exchange, true));
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        Throwable cause = response.getException();
        downReason = "MQTT broker lost: " + (cause != null ? cause.getMessage() : response.getReasonString());
        LOG.warn("{}: {}; the client reconnects by itself, and the broker keeps the session's messages until then", endpoint, downReason);
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
        boolean wasDown = downReason != null;
        downReason = null;
        if (!reconnect && !wasDown) {
            return; // connected at start
        }
        LOG.info("{}: connected to the MQTT broker{}", endpoint, reconnect ? " again" : "");
        PahoMqtt5Consumer mqtt = consumer;
        if (mqtt != null && mqtt.getClient() instanceof MqttSourceClient client) {
            client.subscribeAgain(); // else the consumer has not started, and subscribes as it does
        }
    }

    /** The broker could not be reached at start; logged once, until it is. */
    void unreachable(MqttException e, long maxDelayMillis) {
        boolean first = downReason == null;
        downReason = "MQTT broker not reachable: " + e.getMessage();
        if (first) {
            LOG.warn("{}: cannot connect to the MQTT broker: {}; trying again after 1 s, then twice as long each time up to {} s",
                    endpoint, e.getMessage(), maxDelayMillis / 1000);
        }
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
        LOG.warn("{}: the MQTT client reports: {}", endpoint, exception.getMessage());
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
        // a source only receives
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
        // no enhanced authentication
    }
}
