package io.batchpipeline.support;

import java.nio.file.Files;
import java.nio.file.Path;

import com.codahale.metrics.Counting;
import com.hivemq.embedded.EmbeddedHiveMQ;

/**
 * One real MQTT 5 broker (HiveMQ Community Edition, embedded) for the whole test run, started in this JVM on first use,
 * keeping sessions in memory. Each test uses topics and client ids of its own.
 */
public final class TestMqttBroker {

    private static String url;
    private static EmbeddedHiveMQ broker;

    private TestMqttBroker() {
    }

    /** Where the broker listens: {@code tcp://127.0.0.1:port}. */
    public static synchronized String url() {
        if (url == null) {
            try {
                int port = FreePort.find();
                Path home = Files.createTempDirectory("batch-pipeline-hivemq");
                Path conf = Files.createDirectories(home.resolve("conf"));
                // a session away keeps up to 100,000 messages (1,000 by default), as many as a test publishes
                Files.writeString(conf.resolve("config.xml"), """
                        <?xml version="1.0"?>
                        <hivemq>
                          <listeners>
                            <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>
                          </listeners>
                          <mqtt>
                            <queued-messages><max-queue-size>100000</max-queue-size></queued-messages>
                          </mqtt>
                          <persistence><mode>in-memory</mode></persistence>
                          <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                        </hivemq>
                        """.formatted(port));
                broker = EmbeddedHiveMQ.builder().withConfigurationFolder(conf).withDataFolder(home.resolve("data"))
                        .withExtensionsFolder(Files.createDirectories(home.resolve("extensions"))).withoutLoggingBootstrap().build();
                broker.start().join();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> broker.stop().join()));
                url = "tcp://127.0.0.1:" + port;
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the embedded MQTT broker", e);
            }
        }
        return url;
    }

    /**
     * The bytes of the messages the broker holds for sessions, delivered and not yet acknowledged included: 0 once every
     * session has acknowledged all it was sent, or was ended.
     */
    public static long queuedBytes() {
        return gauge("com.hivemq.persistence.queued-messages.in-memory.total-size");
    }

    /** Messages the broker dropped, for a full session queue, say: 0, or a test's count would be off. */
    public static long droppedMessages() {
        url();
        return ((Counting) broker.getMetricRegistry().getMetrics().get("com.hivemq.messages.dropped.count")).getCount();
    }

    private static long gauge(String name) {
        url();
        return ((Number) broker.getMetricRegistry().getGauges().get(name).getValue()).longValue();
    }
}
