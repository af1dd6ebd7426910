package io.batchpipeline.source;

import java.util.function.Consumer;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code nats:} source's connection as readiness and the log see it: down while the server cannot be reached, at
 * start or later, with one line when it is lost or not reachable and one when it is back. The client reconnects by
 * itself (forever, unless the URI's {@code maxReconnectAttempts} says otherwise); JetStream keeps what is published
 * meanwhile, core NATS does not.
 */
final class NatsConnectionState implements SourceConnection, ConnectionListener {

    private static final Logger LOG = LoggerFactory.getLogger(NatsConnectionState.class);

    private final String endpoint;
    private volatile String downReason;
    private volatile boolean stopping;
    private volatile boolean everConnected;
    private Consumer<Connection> waiting;

    NatsConnectionState(String endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public String downReason() {
        return downReason;
    }

    /** The pipeline stops and closes the connection: that is no loss to report. */
    void stopping() {
        stopping = true;
    }

    /** The route starts (again). */
    void starting() {
        stopping = false;
    }

    /** Connected, but the subscription failed: readiness says why, the log once until it succeeds. */
    void cannotSubscribe(String reason, long retryMillis) {
        boolean first = downReason == null || !downReason.startsWith("cannot subscribe");
        downReason = "cannot subscribe: " + reason;
        if (first) {
            LOG.warn("{}: cannot subscribe ({}); trying again in {} ms, then twice as long each time", endpoint, reason, retryMillis);
        }
    }

    /** Subscribed: after failed attempts, the log says so. */
    void subscribed() {
        String before = downReason;
        if (before != null && before.startsWith("cannot subscribe")) {
            downReason = null;
            LOG.info("{}: subscribed", endpoint);
        }
    }

    /**
     * Connects in the background, trying again as after a loss, and hands the connection to {@code connected} on a thread
     * of its own once made (request and reply need the server, so not on the client's event thread); {@code abandon}
     * closes what it may still make.
     */
    synchronized void connectLater(Options options, Consumer<Connection> connected) throws InterruptedException {
        waiting = connected;
        downReason = "connecting to the NATS server at " + servers(options);
        Nats.connectAsynchronously(options, true);
    }

    /** The source stopped before the connection was made: close it once made. */
    synchronized void abandon(Consumer<Connection> close) {
        waiting = close;
    }

    @Override
    public void connectionEvent(Connection connection, Events event) {
        switch (event) {
            case CONNECTED, RECONNECTED -> {
                boolean wasDown = downReason != null && !downReason.startsWith("connecting");
                boolean again = everConnected; // jnats reports a first connection made after failed attempts as RECONNECTED
                downReason = null;
                everConnected = true;
                if (wasDown) {
                    LOG.info("{}: connected to the NATS server{}", endpoint, again ? " again" : "");
                }
                handOver(connection);
            }
            case DISCONNECTED -> {
                if (!everConnected && !stopping && (downReason == null || downReason.startsWith("connecting"))) {
                    String servers = servers(connection.getOptions());
                    downReason = "NATS server not reachable at " + servers;
                    LOG.warn("{}: cannot connect to the NATS server at {}; the client goes on trying, every {} ms", endpoint, servers,
                            connection.getOptions().getReconnectWait().toMillis());
                } else if (!stopping && downReason == null) {
                    downReason = "NATS server lost";
                    LOG.warn("{}: NATS server lost; the client reconnects by itself{}", endpoint,
                            connection.getOptions().getMaxReconnect() < 0 ? "" : ", up to " + connection.getOptions().getMaxReconnect() + " times");
                }
            }
            case CLOSED -> {
                if (!stopping && everConnected && downReason != null) {
                    LOG.warn("{}: the NATS client gave up reconnecting (maxReconnectAttempts); the source reads nothing more until"
                            + " the jar is restarted", endpoint);
                }
                downReason = "NATS connection closed";
            }
            default -> {
                // servers discovered, lame duck mode, subscriptions sent again: nothing to report
            }
        }
    }

    private static String servers(Options options) {
        return String.join(",", options.getUnprocessedServers());
    }

    private synchronized void handOver(Connection connection) {
        Consumer<Connection> connected = waiting;
        waiting = null;
        if (connected != null) {
            Thread thread = new Thread(() -> connected.accept(connection), "nats-connected");
            thread.setDaemon(true);
            thread.start();
        }
    }
}
