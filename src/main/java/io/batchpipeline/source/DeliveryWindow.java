package io.batchpipeline.source;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import io.batchpipeline.common.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RabbitMQ channel's deliveries, in the order the broker made them, until each is settled. Settled deliveries are
 * acknowledged together, with one {@code basic.ack} that has {@code multiple} set, once the oldest open one is behind
 * them: every {@value #ACK_EVERY} of them, when none is left open, and otherwise {@value #ACK_DELAY_MS} ms after the
 * first of them settled (so that a crash meets few that are written but not acknowledged, each delivered again).
 * Acknowledging each of 200,000 persistent messages cost this machine's broker 7.2-7.7 CPU s, every 100th with
 * {@code multiple} 3.9-5.8 s (a plain client, three pairs), on the cores it shares with the pipeline and the database.
 *
 * <p>Written by hand: Spring AMQP acknowledges in batches only in its AUTO mode, when the listener returns, which is
 * before the records are written. A returned ({@code basic.nack}) delivery is returned at once, on its own.
 */
final class DeliveryWindow {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryWindow.class);

    /** Settled deliveries acknowledged in one frame, at most (fewer when none is left open). */
    static final int ACK_EVERY = 100;

    /** The longest a settled delivery waits for its acknowledgement while others are open. */
    static final long ACK_DELAY_MS = 5;

    /** What the window sends to the broker, on the channel the deliveries came on. */
    interface Broker {
        void ack(long deliveryTag, boolean multiple) throws IOException;

        void nack(long deliveryTag) throws IOException;
    }

    private enum State { OPEN, SETTLED, ACKNOWLEDGED, RETURNED, LOST }

    /** One delivery of the channel. */
    final class Delivery {
        private final long tag;
        private State state = State.OPEN;
        private List<Runnable> afterAcknowledged;

        private Delivery(long tag) {
            this.tag = tag;
        }

        long tag() {
            return tag;
        }

        /** Runs {@code then} once the broker has been sent this delivery's acknowledgement; never if that fails or it is returned. */
        void whenAcknowledged(Runnable then) {
            synchronized (DeliveryWindow.this) {
                if (state == State.OPEN || state == State.SETTLED) {
                    if (afterAcknowledged == null) {
                        afterAcknowledged = new ArrayList<>(1);
                    }
                    afterAcknowledged.add(then);
                    return;
                }
                if (state != State.ACKNOWLEDGED) {
                    return;
                }
            }
            then.run();
        }
    }

    private final Broker broker;
    private final Executor later;
    private boolean sendScheduled;
    private final ArrayDeque<Delivery> open = new ArrayDeque<>();
    /** Settled deliveries that no open one precedes, not yet acknowledged, oldest first. */
    private final List<Delivery> toAcknowledge = new ArrayList<>();
    private long lastTag;
    /**
     * A delivery came that this window never saw (it failed before the pipeline read it), and the broker may still
     * wait for it: a multiple acknowledgement would cover it unwritten, so from then on each is acknowledged alone.
     */
    private boolean oneByOne;

    /** @param later runs a task {@value #ACK_DELAY_MS} ms from now */
    DeliveryWindow(Broker broker, Executor later) {
        this.broker = broker;
        this.later = later;
    }

    /** A delivery of this channel; AMQP numbers a channel's deliveries 1, 2, 3 ... in the order it makes them. */
    Delivery received(long deliveryTag) {
        List<Delivery> sent = List.of();
        Delivery delivery = new Delivery(deliveryTag);
        synchronized (this) {
            if (deliveryTag != lastTag + 1 && !oneByOne) {
                sent = send(); // each of these is after the last delivery it covers
                oneByOne = true;
            }
            lastTag = Math.max(lastTag, deliveryTag);
            open.addLast(delivery);
        }
        runAfterAcknowledged(sent);
        return delivery;
    }

    /**
     * Its records are written (or stored): it is acknowledged with the others settled before it.
     *
     * @param now acknowledge what is settled at once (the pipeline is stopping, and the channel closes soon)
     */
    void acknowledge(Delivery delivery, boolean now) {
        List<Delivery> sent;
        synchronized (this) {
            delivery.state = State.SETTLED;
            if (oneByOne) {
                toAcknowledge.add(delivery);
                sent = send();
                dropSettledFront();
            } else {
                dropSettledFront();
                sent = sendWhenDue(now);
            }
        }
        runAfterAcknowledged(sent);
    }

    /** It could not be taken: it goes back to the queue, alone and at once. */
    void giveBack(Delivery delivery) {
        List<Delivery> sent;
        synchronized (this) {
            try {
                broker.nack(delivery.tag);
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot return message {}: {}; the broker will deliver it again", delivery.tag, Errors.describe(e));
            }
            delivery.state = State.RETURNED;
            dropSettledFront();
            sent = sendWhenDue(false);
        }
        runAfterAcknowledged(sent);
    }

    /** Sends what waits now if it is due (stopping, none left open, or {@value #ACK_EVERY} of them), else a little later. Holds the lock. */
    private List<Delivery> sendWhenDue(boolean now) {
        return now || open.isEmpty() || toAcknowledge.size() >= ACK_EVERY ? send() : sendLater();
    }

    /** Sends what waits {@value #ACK_DELAY_MS} ms from now, unless that is already due. Holds the lock. */
    private List<Delivery> sendLater() {
        if (!toAcknowledge.isEmpty() && !sendScheduled) {
            sendScheduled = true;
            later.execute(() -> {
                List<Delivery> sent;
                synchronized (this) {
                    sendScheduled = false;
                    sent = send();
                }
                runAfterAcknowledged(sent);
            });
        }
        return List.of();
    }

    /** Takes settled deliveries off the front; those still to acknowledge wait in {@link #toAcknowledge}. Holds the lock. */
    private void dropSettledFront() {
        while (!open.isEmpty() && open.peekFirst().state != State.OPEN) {
            Delivery first = open.pollFirst();
            if (first.state == State.SETTLED && !oneByOne) {
                toAcknowledge.add(first);
            }
        }
    }

    /**
     * Acknowledges what waits in {@link #toAcknowledge}: with one multiple acknowledgement through the last, which
     * covers exactly these (every delivery before them is settled), or each alone. Holds the lock, so that a later
     * multiple acknowledgement never reaches the broker before an earlier one.
     */
    private List<Delivery> send() {
        if (toAcknowledge.isEmpty()) {
            return List.of();
        }
        List<Delivery> sent = new ArrayList<>(toAcknowledge);
        toAcknowledge.clear();
        long through = sent.get(sent.size() - 1).tag;
        State outcome;
        try {
            broker.ack(through, !oneByOne);
            outcome = State.ACKNOWLEDGED;
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot acknowledge messages {} to {}: {}; the broker will deliver them again", sent.get(0).tag, through, Errors.describe(e));
            outcome = State.LOST;
        }
        for (Delivery delivery : sent) {
            delivery.state = outcome;
        }
        return outcome == State.ACKNOWLEDGED ? sent : List.of();
    }

    private static void runAfterAcknowledged(List<Delivery> sent) {
        for (Delivery delivery : sent) {
            if (delivery.afterAcknowledged != null) { // no longer changed: the delivery is acknowledged
                delivery.afterAcknowledged.forEach(Runnable::run);
            }
        }
    }
}
