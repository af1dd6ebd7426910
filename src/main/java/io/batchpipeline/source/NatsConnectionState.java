package io.batchpipeline.source;

import java.util.function.Consumer;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code nats:} source's connection and subscription as readiness and the log see them: down while the server
 * cannot be reached, at start or later, and until the consumer has subscribed, with one line when it is lost or not
 * reachable and one when it is back. The client reconnects by itself (forever, unless the URI's
 * {@code maxReconnectAttempts} says otherwise) and subscribes again; JetStream keeps what is published meanwhile,
 * core NATS does not.
 */
final class NatsConnectionState implements SourceConnection, ConnectionListener {

    private static final Logger LOG = LoggerFactory.getLogger(NatsConnectionState.class);

    /** The connection's state; its readiness text, null when up. */
    private enum Link {
        CONNECTING("connecting to the NATS server at "), UNREACHABLE("NATS server not reachable at "), UP(null), LOST("NATS server lost"),
        CLOSED("NATS connection closed");

        private final String reason;

        Link(String reason) {
            this.reason = reason;
        }
    }

    private final String endpoint;
    private volatile Link link = Link.UP; // a connection of the user's own is not watched
    private volatile String servers = "";
    /** Why the consumer is not subscribed; null once it is. */
    private volatile String notSubscribed;
    private volatile boolean subscribeFailing;
    private volatile boolean stopping;
    private volatile boolean everConnected;
    private Consumer<Connection> waiting;

    NatsConnectionState(String endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public String downReason() {
        Link now = link;
        if (now == Link.UP) {
            return notSubscribed;
        }
        return now == Link.CONNECTING || now == Link.UNREACHABLE ? now.reason + servers : now.reason;
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
        notSubscribed = "cannot subscribe: " + reason;
        if (!subscribeFailing) {
            subscribeFailing = true;
            LOG.warn("{}: cannot subscribe ({}); trying again in {} ms, then twice as long each time", endpoint, reason, retryMillis);
        }
    }

    /** Subscribed: ready; after failed attempts, the log says so. */
    void subscribed() {
        notSubscribed = null;
        if (subscribeFailing) {
            subscribeFailing = false;
            LOG.info("{}: subscribed", endpoint);
        }
    }

    /**
     * Connects in the background, trying again as after a loss, and hands the connection to {@code connected} on a thread
     * of its own once made (JetStream's request and reply need the server, so not on the client's event thread), which
     * subscribes and says so ({@link #subscribed}).
     */
    synchronized void connectLater(Options options, Consumer<Connection> connected) throws InterruptedException {
        waiting = connected;
        servers = String.join(",", options.getUnprocessedServers());
        link = Link.CONNECTING;
        notSubscribed = "not yet subscribed";
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
                boolean wasDown = link == Link.UNREACHABLE || link == Link.LOST;
                boolean again = everConnected; // jnats reports a first connection made after failed attempts as RECONNECTED
                link = Link.UP;
                everConnected = true;
                if (wasDown) {
                    LOG.info("{}: connected to the NATS server{}", endpoint, again ? " again" : "");
                }
                handOver(connection);
            }
            case DISCONNECTED -> {
                if (stopping) {
                    return;
                }
                if (!everConnected && link == Link.CONNECTING) {
                    link = Link.UNREACHABLE;
                    LOG.warn("{}: cannot connect to the NATS server at {}; the client goes on trying, every {} ms", endpoint, servers,
                            connection.getOptions().getReconnectWait().toMillis());
                } else if (link == Link.UP) {
                    link = Link.LOST;
                    LOG.warn("{}: NATS server lost; the client reconnects by itself{}", endpoint,
                            connection.getOptions().getMaxReconnect() < 0 ? "" : ", up to " + connection.getOptions().getMaxReconnect() + " times");
                }
            }
            case CLOSED -> {
                if (!stopping && everConnected && link != Link.UP) {
                    LOG.warn("{}: the NATS client gave up reconnecting (maxReconnectAttempts); the source reads nothing more until"
                            + " the jar is restarted", endpoint);
                }
                link = Link.CLOSED;
            }
            default -> {
                // servers discovered, lame duck mode, subscriptions sent again: nothing to report
            }
        }
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
