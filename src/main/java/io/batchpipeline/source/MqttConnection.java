package io.batchpipeline.source;

import java.util.Collection;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Consumer;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Endpoint;
import org.apache.camel.support.LifecycleStrategySupport;
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
 * The MQTT client's callback for a {@code paho-mqtt5:} source, in place of camel-paho-mqtt5's own. That one, after
 * the client reconnects by itself, subscribes again on the client's callback thread and waits there for the broker's
 * answer; but the broker first sends the messages its session kept, they fill the queue of that same thread, the
 * client stops reading, and the answer never comes. The source then stood still for good, logging nothing, with
 * readiness UP (BusesIT cuts Mosquitto off behind a proxy). Here:
 * <ul>
 * <li>a message goes to the route just as camel-paho-mqtt5 hands it on (its exchange, its acknowledgement);</li>
 * <li>after a reconnection the subscription is made again on a thread of its own (the session has kept it, unless
 * the URI asks for a clean start);</li>
 * <li>readiness reads whether the connection is up, and each change is logged once.</li>
 * </ul>
 */
public final class MqttConnection implements MqttCallback, SourceConnection {

    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);

    private final String endpoint;
    private volatile PahoMqtt5Consumer consumer;
    private volatile String downReason;

    private MqttConnection(String endpoint) {
        this.endpoint = endpoint;
    }

    /** Takes over the callback of an MQTT source's client once its route starts; null for other sources. */
    static MqttConnection watch(CamelContext context, Endpoint source) {
        if (!(source instanceof PahoMqtt5Endpoint)) {
            return null;
        }
        MqttConnection connection = new MqttConnection(URISupport.sanitizeUri(source.getEndpointUri()));
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onRoutesAdd(Collection<Route> routes) {
                for (Route route : routes) {
                    if (route.getEndpoint() == source) {
                        route.getRoutePolicyList().add(new RoutePolicySupport() {
                            /** The consumer has connected and subscribed, with its own callback set. */
                            @Override
                            public void onStart(Route started) {
                                if (started.getConsumer() instanceof PahoMqtt5Consumer mqtt && mqtt.getClient() != null) {
                                    connection.consumer = mqtt;
                                    mqtt.getClient().setCallback(connection);
                                }
                            }
                        });
                    }
                }
            }
        });
        return connection;
    }

    /** Why the connection is down, or null while it is up. */
    @Override
    public String downReason() {
        return downReason;
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        PahoMqtt5Consumer mqtt = consumer;
        Exchange exchange = mqtt.createExchange(message, topic);
        mqtt.getAsyncProcessor().process(exchange, mqtt.defaultConsumerCallback(exchange, true));
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        Throwable cause = response.getException();
        downReason = "MQTT broker lost: " + (cause != null ? cause.getMessage() : response.getReasonString());
        LOG.warn("{}: {}; the client reconnects by itself, and the broker keeps the session's messages until then", endpoint, downReason);
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
        if (!reconnect) {
            return;
        }
        downReason = null;
        LOG.info("{}: connected to the MQTT broker again", endpoint);
        PahoMqtt5Consumer mqtt = consumer;
        MqttClient client = mqtt.getClient();
        Thread subscribe = new Thread(() -> {
            try {
                client.subscribe(mqtt.getEndpoint().getTopic(), mqtt.getEndpoint().getConfiguration().getQos());
            } catch (MqttException e) {
                LOG.warn("{}: cannot subscribe again after reconnecting: {}", endpoint, e.getMessage());
            }
        }, "mqtt-subscribe-again");
        subscribe.setDaemon(true);
        subscribe.start();
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
