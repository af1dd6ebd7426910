package io.batchpipeline.source;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import org.apache.camel.Route;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Configuration;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Consumer;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Endpoint;
import org.apache.camel.spi.ShutdownPrepared;
import org.apache.camel.support.service.ServiceSupport;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttClientPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;

/**
 * The MQTT source's client, a service of its route: made as camel-paho-mqtt5's consumer makes its own (the URI's
 * connection options and persistence), but with {@link MqttConnection} as its callback before it connects. It
 * connects before the consumer starts, which then uses it as given, and disconnects after the consumer has stopped.
 * Told by Camel's shutdown strategy that the route is about to stop, before it waits for the exchanges in flight.
 */
final class MqttClientService extends ServiceSupport implements ShutdownPrepared {

    private final PahoMqtt5Endpoint endpoint;
    private final MqttConnection connection;
    private final MqttClient client;

    MqttClientService(PahoMqtt5Endpoint endpoint, MqttConnection connection) {
        this.endpoint = endpoint;
        this.connection = connection;
        PahoMqtt5Configuration configuration = endpoint.getConfiguration();
        try {
            this.client = new MqttClient(configuration.getBrokerUrl(), configuration.getClientId(),
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
        if (!client.isConnected()) {
            client.connect((MqttConnectionOptions) camelsOwn(PahoMqtt5Endpoint.class.getDeclaredMethod("createMqttConnectionOptions"), endpoint));
        }
    }

    @Override
    public void prepareShutdown(boolean suspendOnly, boolean forced) {
        connection.stopping();
    }

    @Override
    protected void doStop() throws Exception {
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
