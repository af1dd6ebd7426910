package io.batchpipeline.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongFunction;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * One real ActiveMQ Artemis broker for the whole test run, started in this JVM on first use, speaking Artemis' own
 * protocol (the {@code jms:} component) and AMQP 1.0 ({@code amqp:}) on one port. Each test uses queues of its own.
 */
public final class TestArtemis {

    private static String url;
    private static EmbeddedActiveMQ broker;

    private TestArtemis() {
    }

    /** Where the broker listens: {@code tcp://127.0.0.1:port} for the Artemis client; AMQP clients use {@code amqp://} there. */
    public static synchronized String url() {
        if (url == null) {
            try {
                int port = FreePort.find();
                ConfigurationImpl config = new ConfigurationImpl();
                config.setPersistenceEnabled(false);
                config.setSecurityEnabled(false);
                Path dir = Files.createTempDirectory("batch-pipeline-artemis");
                config.setBrokerInstance(dir.toFile());
                config.addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port + "?protocols=CORE,AMQP");
                broker = new EmbeddedActiveMQ().setConfiguration(config);
                broker.start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        broker.stop();
                    } catch (Exception ignored) {
                        // the JVM is exiting
                    }
                }));
                url = "tcp://127.0.0.1:" + port;
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the embedded Artemis broker", e);
            }
        }
        return url;
    }

    /** The port the broker listens on. */
    public static int port() {
        return Integer.parseInt(url().substring(url().lastIndexOf(':') + 1));
    }

    /** Messages in the queue, those delivered but not yet acknowledged included; 0 for a queue not made yet. */
    public static long messageCount(String queue) {
        url();
        Queue found = broker.getActiveMQServer().locateQueue(SimpleString.of(queue));
        return found == null ? 0 : found.getMessageCount();
    }

    /** Sends text messages {@code from} to {@code to} to the queue, the nth with the body {@code body.apply(n)}. */
    public static void send(String queue, long from, long to, LongFunction<String> body) throws JMSException {
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url());
             Connection connection = factory.createConnection();
             Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            for (long n = from; n <= to; n++) {
                producer.send(session.createTextMessage(body.apply(n)));
            }
        }
    }
}
