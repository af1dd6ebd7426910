package io.batchpipeline.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** A topic of an MQTT 5 broker as the tests use it: one JSON record per message, QoS 1, and the pipeline's session. */
public final class MqttTopic {

    private final String brokerUrl;
    private final String name;

    public MqttTopic(String brokerUrl, String name) {
        this.brokerUrl = brokerUrl;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** The pipeline's source URI for this topic, as the docs' recipe has it: QoS 1, its client id the topic's name. */
    public String sourceUri() {
        return "paho-mqtt5:" + name + "?brokerUrl=" + brokerUrl + "&qos=1&clientId=" + name;
    }

    /**
     * Makes the session of the pipeline's client ({@link #sourceUri}) before the pipeline first connects, subscribed at
     * QoS 1 and kept for an hour: the broker keeps what is published from now on for it.
     */
    public void keepSessionForThePipeline() throws MqttException {
        MqttClient client = new MqttClient(brokerUrl, name, new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(3_600L);
        client.connect(options);
        client.subscribe(name, 1);
        client.disconnect();
        client.close();
    }

    /** Ends the broker's session of the pipeline's client: connecting with a clean start drops it. */
    public void endSession() throws MqttException {
        MqttClient client = new MqttClient(brokerUrl, name, new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        client.connect(options);
        client.disconnect();
        client.close();
    }

    /**
     * For the report, while the pipeline is away: how many messages the broker delivers again to the pipeline's
     * session within {@code wait}.
     */
    public int leftInSession(Duration wait) throws Exception {
        MqttClient client = new MqttClient(brokerUrl, name, new MemoryPersistence());
        AtomicInteger delivered = new AtomicInteger();
        client.setManualAcks(true);
        client.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                delivered.incrementAndGet();
            }

            @Override
            public void disconnected(MqttDisconnectResponse response) {
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(false);
        client.connect(options);
        Thread.sleep(wait.toMillis()); // a report, not an assertion: what arrives in this time
        client.disconnect();
        client.close();
        return delivered.get();
    }

    /** Ids {@code from} to {@code to}, each published once the broker has acknowledged the one before. */
    public void publish(long from, long to) throws Exception {
        MqttClient client = new MqttClient(brokerUrl, name + "-publisher", new MemoryPersistence());
        client.connect();
        for (long id = from; id <= to; id++) {
            publish(client, SampleData.jsonLine(id).getBytes(StandardCharsets.UTF_8));
        }
        client.disconnect();
        client.close();
    }

    /** Ids 1 to {@code messages}, each published without waiting for the one before to be acknowledged. */
    public void publishPipelined(int messages) throws Exception {
        publishPipelined(1, messages, id -> SampleData.jsonLine(id).getBytes(StandardCharsets.UTF_8));
    }

    /** Messages {@code from} to {@code to}, the nth with the body {@code body.apply(n)}, sent without waiting for acknowledgements. */
    public void publishPipelined(long from, long to, LongFunction<byte[]> body) throws Exception {
        MqttAsyncClient client = new MqttAsyncClient(brokerUrl, name + "-publisher", new MemoryPersistence());
        client.connect().waitForCompletion();
        List<IMqttToken> sent = new ArrayList<>();
        for (long id = from; id <= to; id++) {
            byte[] payload = body.apply(id);
            for (int attempt = 1; ; attempt++) {
                try {
                    sent.add(client.publish(name, payload, 1, false));
                    break;
                } catch (MqttException e) {
                    if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT || attempt == 5000) {
                        throw e;
                    }
                    Thread.sleep(1); // until the broker acknowledges earlier publishes
                }
            }
        }
        for (IMqttToken token : sent) {
            token.waitForCompletion();
        }
        client.disconnect().waitForCompletion();
        client.close();
    }

    /** QoS 1; the broker lets a client have only so many publishes unacknowledged (its receive maximum). */
    private void publish(MqttClient client, byte[] payload) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                client.publish(name, payload, 1, false);
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT || attempt == 1000) {
                    throw e;
                }
                Thread.sleep(5); // back off until the broker acknowledges earlier publishes
            }
        }
    }
}
