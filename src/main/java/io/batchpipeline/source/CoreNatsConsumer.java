package io.batchpipeline.source;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.nats.NatsConfiguration;
import org.apache.camel.util.ObjectHelper;

/**
 * Reads core NATS (at most once: the server keeps nothing for a subscriber that is away or slow). camel-nats 4.17's
 * consumer connected as it started, so a server that could not be reached failed the whole start; this one connects in
 * the background ({@link NatsSourceConsumer}) and subscribes as camel-nats does: the subject, {@code queueName} as the
 * queue group, {@code maxMessages}.
 */
final class CoreNatsConsumer extends NatsSourceConsumer {

    CoreNatsConsumer(NatsSourceComponent.SourceEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    @Override
    Dispatcher subscribe(Connection connection) {
        NatsConfiguration configuration = getEndpoint().getConfiguration();
        Dispatcher dispatcher = connection.createDispatcher(this::onMessage);
        String subject = configuration.getTopic();
        if (ObjectHelper.isNotEmpty(configuration.getQueueName())) {
            dispatcher.subscribe(subject, configuration.getQueueName());
        } else {
            dispatcher.subscribe(subject);
        }
        if (ObjectHelper.isNotEmpty(configuration.getMaxMessages())) {
            dispatcher.unsubscribe(subject, Integer.parseInt(configuration.getMaxMessages()));
        }
        return dispatcher;
    }

    @Override
    void onMessage(Message message) {
        handOn(exchangeOf(message));
    }
}
