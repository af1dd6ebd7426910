package io.batchpipeline.source;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;

/** A bus source's connection as readiness sees it. */
@FunctionalInterface
public interface SourceConnection {

    /** Why the source cannot receive now, or null while it can. */
    String downReason();

    /** Watches the source's connection where its client reports losses (RabbitMQ, MQTT, NATS, JMS); any other is never down. */
    static SourceConnection watch(CamelContext context, Endpoint source) {
        SourceConnection rabbitMq = RabbitMqConnection.watch(source);
        if (rabbitMq != null) {
            return rabbitMq;
        }
        if (source instanceof NatsSourceComponent.SourceEndpoint nats) {
            return nats.state();
        }
        SourceConnection mqtt = MqttConnection.watch(context, source);
        if (mqtt != null) {
            return mqtt;
        }
        SourceConnection jms = JmsConnection.watch(context, source);
        return jms != null ? jms : () -> null;
    }
}
