package io.batchpipeline.source;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import io.batchpipeline.common.SourceIntake;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;
import org.apache.camel.spi.ShutdownPrepared;
import org.apache.camel.support.service.ServiceSupport;
import org.springframework.jms.listener.AbstractMessageListenerContainer;
import org.springframework.jms.listener.SessionAwareMessageListener;

/**
 * Stops a JMS source from taking messages as a graceful stop begins, while its sessions stay open, so that the messages
 * it already took are written and acknowledged before the sessions close.
 *
 * <p>Camel's own way closes them too early: it suspends the consumer first, and Spring's listener container, once
 * stopped, closes its sessions and connection at once; the acknowledgements of the messages still waiting for their
 * batch then failed, and those messages were written again after a restart (387 to 1,030 of 20,000 in a stop). So
 * the route's consumer stops last ({@code ShutdownRoute.Defer}), and this sits between the container and Camel's
 * listener: from the stop on, a message the container hands over is neither handed on nor acknowledged, and its thread
 * waits there until the container stops, after the route's exchanges have completed. The broker delivers that message
 * again once the session closes. Written here because neither Camel nor Spring has a "stop receiving, keep the
 * session" state.
 */
final class JmsIntakeGate extends ServiceSupport implements SourceIntake, ShutdownPrepared, SessionAwareMessageListener<Message> {

    /**
     * How often a held message's thread looks whether the container has stopped: Spring's container says so by no
     * callback that runs before it waits for that very thread.
     */
    private static final Duration STOP_CHECK = Duration.ofMillis(10);

    private final AbstractMessageListenerContainer container;
    private final SessionAwareMessageListener<Message> listener;
    private volatile boolean closed;
    private volatile boolean forced;

    private JmsIntakeGate(AbstractMessageListenerContainer container, SessionAwareMessageListener<Message> listener) {
        this.container = container;
        this.listener = listener;
    }

    /** Puts a gate between the container and its listener (Camel's), and returns it, to be added to the route. */
    @SuppressWarnings("unchecked")
    static JmsIntakeGate around(AbstractMessageListenerContainer container) {
        if (!(container.getMessageListener() instanceof SessionAwareMessageListener<?> listener)) {
            throw new IllegalStateException("the JMS listener container's listener is not Camel's: " + container.getMessageListener());
        }
        JmsIntakeGate gate = new JmsIntakeGate(container, (SessionAwareMessageListener<Message>) listener);
        container.setMessageListener(gate);
        return gate;
    }

    @Override
    public void onMessage(Message message, Session session) throws JMSException {
        if (!closed) {
            listener.onMessage(message, session);
            return;
        }
        while (!forced && container.isRunning()) {
            LockSupport.parkNanos(STOP_CHECK.toNanos());
        }
    }

    @Override
    public void stopIntake() {
        closed = true;
    }

    /** Told by Camel's shutdown strategy before it waits for the route's exchanges, and again, forced, once it gives up. */
    @Override
    public void prepareShutdown(boolean suspendOnly, boolean forced) {
        stopIntake();
        if (forced) {
            this.forced = true;
        }
    }

    @Override
    protected void doStart() {
        open();
    }

    @Override
    protected void doResume() {
        open();
    }

    private void open() {
        closed = false;
        forced = false;
    }
}
