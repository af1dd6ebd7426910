package io.batchpipeline.source;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT source's client: remembers the subscription camel-paho-mqtt5's consumer makes as it starts, and while the
 * broker has not been reached yet (down at start) holds it back instead of failing the start, to make it once
 * connected ({@link #subscribeAgain}), as after a reconnection.
 */
final class MqttSourceClient extends MqttClient {

    private static final Logger LOG = LoggerFactory.getLogger(MqttSourceClient.class);

    private volatile String topic;
    private volatile int qos;
    private volatile boolean heldBack;

    MqttSourceClient(String brokerUrl, String clientId, MqttClientPersistence persistence) throws MqttException {
        super(brokerUrl, clientId, persistence);
    }

    @Override
    public IMqttToken subscribe(String topicFilter, int qos) throws MqttException {
        this.topic = topicFilter;
        this.qos = qos;
        if (!isConnected()) {
            heldBack = true;
            return null; // the consumer does not look at it
        }
        return super.subscribe(topicFilter, qos);
    }

    /** Whether the consumer's subscription waits for a connection. */
    boolean heldBack() {
        return heldBack;
    }

    /**
     * Makes the consumer's subscription on a thread of its own: on the client's callback thread it would wait for the
     * broker's answer, which that thread must read first, behind the messages the session kept.
     */
    void subscribeAgain() {
        String filter = topic;
        if (filter == null) {
            return; // the consumer has not subscribed yet: it does as it starts
        }
        heldBack = false;
        Thread subscribe = new Thread(() -> {
            try {
                super.subscribe(filter, qos);
            } catch (MqttException e) {
                LOG.warn("cannot subscribe to {} after connecting: {}", filter, e.getMessage());
            }
        }, "mqtt-subscribe");
        subscribe.setDaemon(true);
        subscribe.start();
    }
}
