package io.batchpipeline.source;

import java.time.Duration;

import org.apache.camel.Endpoint;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Configuration;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Endpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up an MQTT 5 source ({@code paho-mqtt5:}) so that a message is acknowledged only once its records are written
 * (with the durable buffer: stored), and so that what is not acknowledged yet outlives a crash:
 * <ul>
 * <li>manual acknowledgement: camel-paho-mqtt5 then acknowledges when the message's exchange completes, which the
 * pipeline does once its records are written. The consumer hands on the next message meanwhile, up to the client's
 * receive maximum (65,535 unless the URI says), so records of many messages share a batch;</li>
 * <li>a persistent session ({@code cleanStart=false}, a session expiry of a week unless the URI says): the broker
 * keeps what was delivered but not acknowledged, and what arrives while the pipeline is down, under the client id,
 * and delivers it again on the next connection. MQTT 5 ends a session at disconnect unless it has an expiry.</li>
 * </ul>
 */
public final class MqttSource {

    private static final Logger LOG = LoggerFactory.getLogger(MqttSource.class);

    /** How long the broker keeps the session of a pipeline that is down. */
    static final long SESSION_EXPIRY_SECONDS = Duration.ofDays(7).toSeconds();

    private MqttSource() {
    }

    /**
     * Sets up a {@code paho-mqtt5:} endpoint before its consumer starts; other endpoints are left as they are.
     *
     * @throws IllegalArgumentException when the URI cannot be made safe: it has no client id, or asks for QoS 0
     */
    public static void configure(Endpoint endpoint) {
        if (!(endpoint instanceof PahoMqtt5Endpoint mqtt)) {
            return;
        }
        PahoMqtt5Configuration configuration = mqtt.getConfiguration();
        if (configuration.getClientId() == null || configuration.getClientId().isBlank()) {
            throw new IllegalArgumentException("an MQTT source needs a clientId of its own, e.g. &clientId=orders-loader-1: the broker"
                    + " keeps the messages not yet written under it across restarts (each instance its own)");
        }
        if (configuration.getQos() < 1) {
            throw new IllegalArgumentException("qos=0 messages are never delivered again, so a crash would lose those not yet written;"
                    + " use qos=1");
        }
        if (!SourceUri.names(endpoint, "cleanStart")) {
            configuration.setCleanStart(false);
        } else if (configuration.isCleanStart()) {
            LOG.warn("{}: cleanStart=true drops the broker's session at each start, and with it the messages delivered but not yet"
                    + " written: a restart loses them", mqtt.getTopic());
        }
        if (!SourceUri.names(endpoint, "sessionExpiryInterval")) {
            configuration.setSessionExpiryInterval(SESSION_EXPIRY_SECONDS);
        }
        configuration.setManualAcksEnabled(true);
    }

    /** Whether messages from this endpoint are acknowledged when their exchange completes, as {@link #configure} sets up. */
    public static boolean acknowledgesOnCompletion(Endpoint endpoint) {
        return endpoint instanceof PahoMqtt5Endpoint mqtt && mqtt.getConfiguration().isManualAcksEnabled();
    }
}
