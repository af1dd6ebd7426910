package io.batchpipeline.source;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import io.batchpipeline.common.SourceIntake;
import org.apache.camel.Route;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Configuration;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Consumer;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Endpoint;
import org.apache.camel.spi.ShutdownPrepared;
import org.apache.camel.support.service.ServiceSupport;
import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * The MQTT source's client, a service of its route: made as camel-paho-mqtt5's consumer makes its own (the URI's
 * connection options and persistence), but with {@link MqttConnection} as its callback before it connects. It
 * connects before the consumer starts, which then uses it as given, and disconnects after the consumer has stopped.
 * Stops taking messages as a stop begins ({@link SourceIntake}), before Camel waits for the exchanges in flight.
 */
final class MqttClientService extends ServiceSupport implements SourceIntake, ShutdownPrepared {

    private final PahoMqtt5Endpoint endpoint;
    private final MqttConnection connection;
    private final MqttSourceClient client;
    /** Connects in the background while the broker could not be reached at start; null otherwise. */
    private volatile Thread connecting;

    MqttClientService(PahoMqtt5Endpoint endpoint, MqttConnection connection) {
        this.endpoint = endpoint;
        this.connection = connection;
        PahoMqtt5Configuration configuration = endpoint.getConfiguration();
        try {
            this.client = new MqttSourceClient(configuration.getBrokerUrl(), configuration.getClientId(),
                    (MqttClientPersistence) camelsOwn(PahoMqtt5Endpoint.class.getDeclaredMethod("createMqttClientPersistence", PahoMqtt5Configuration.class),
                            null, configuration));
        } catch (MqttException | NoSuchMethodException e) {
            throw new IllegalStateException("cannot make the MQTT client of " + endpoint.getTopic() + ": " + e.getMessage(), e);
        }
        client.setCallback(connection);
        endpoint.setClient(client);
    }

    /**
     * Connects, for {@code route} to consume with: called as the route is added, before its consumer starts (a service
     * of the route starts too late for that).
     */
    void connect(Route route) throws Exception {
        if (route.getConsumer() instanceof PahoMqtt5Consumer consumer) {
            consumer.setClient(client); // given a client, the consumer neither connects nor disconnects it
        }
        client.setManualAcks(endpoint.getConfiguration().isManualAcksEnabled());
        connection.connecting();
        if (client.isConnected()) {
            return;
        }
        MqttConnectionOptions options = (MqttConnectionOptions) camelsOwn(PahoMqtt5Endpoint.class.getDeclaredMethod("createMqttConnectionOptions"), endpoint);
        try {
            client.connect(options);
        } catch (MqttException e) {
            // the consumer starts all the same, its subscription held back (MqttSourceClient)
            long maxDelay = Math.max(1000, endpoint.getConfiguration().getMaxReconnectDelay());
            connection.unreachable(e, maxDelay);
            keepConnecting(options, maxDelay);
        }
    }

    /**
     * Tries again after 1 s, then twice as long each time up to the URI's maxReconnectDelay, as Paho does after a
     * connection is lost (its automatic reconnection starts only once a first connection was made).
     */
    private void keepConnecting(MqttConnectionOptions options, long maxDelay) {
        Thread thread = new Thread(() -> {
            long delay = 1000;
            while (true) {
                try {
                    Thread.sleep(delay);
                    client.connect(options);
                    return;
                } catch (InterruptedException e) {
                    return; // the route stops
                } catch (MqttException e) {
                    connection.unreachable(e, maxDelay);
                    delay = Math.min(2 * delay, maxDelay);
                }
            }
        }, "mqtt-connect");
        thread.setDaemon(true);
        connecting = thread;
        thread.start();
    }

    @Override
    public void stopIntake() {
        connection.stopping();
    }

    @Override
    public void prepareShutdown(boolean suspendOnly, boolean forced) {
        stopIntake();
    }

    @Override
    protected void doStop() throws Exception {
        Thread thread = connecting;
        if (thread != null) {
            thread.interrupt();
        }
        if (client.isConnected()) {
            client.disconnect();
        }
    }

    /**
     * camel-paho-mqtt5's own way to make the client's options and persistence from the URI, which it keeps
     * protected: called so, rather than copied, so that every URI option keeps its meaning.
     */
    private static Object camelsOwn(Method method, Object target, Object... arguments) {
        try {
            method.setAccessible(true);
            return method.invoke(target, arguments);
        } catch (IllegalAccessException | InvocationTargetException e) {
            Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
            throw new IllegalStateException("cannot set up the MQTT client the way camel-paho-mqtt5 does: " + cause.getMessage(), cause);
        }
    }
}
