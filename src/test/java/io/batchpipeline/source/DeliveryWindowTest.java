package io.batchpipeline.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * A RabbitMQ channel's settled deliveries are acknowledged together, never one that is not settled, and a
 * delivery the window never saw is never covered by a multiple acknowledgement. The frames it would send are recorded.
 */
class DeliveryWindowTest {

    private final List<String> frames = new ArrayList<>();
    private boolean channelClosed;
    /** The sends the window asked for {@value DeliveryWindow#ACK_DELAY_MS} ms later, run when the test says. */
    private final List<Runnable> later = new ArrayList<>();
    private final DeliveryWindow window = new DeliveryWindow(new DeliveryWindow.Broker() {
        @Override
        public void ack(long deliveryTag, boolean multiple) throws IOException {
            if (channelClosed) {
                throw new IOException("channel closed");
            }
            frames.add((multiple ? "ack through " : "ack ") + deliveryTag);
        }

        @Override
        public void nack(long deliveryTag) {
            frames.add("nack " + deliveryTag);
        }
    }, later::add);

    @Test
    void settledDeliveriesAreAcknowledgedInOneFrameOnceNoneIsLeftOpen() {
        List<DeliveryWindow.Delivery> deliveries = receive(1, 5);
        settle(deliveries, 2, 3, 1, 4);
        assertThat(frames).as("delivery 5 is still open").isEmpty();

        settle(deliveries, 5);
        assertThat(frames).containsExactly("ack through 5");
        runLater();
        assertThat(frames).as("nothing was left to send").containsExactly("ack through 5");
    }

    @Test
    void whileOthersStayOpenWhatIsSettledIsAcknowledgedALittleLater() {
        List<DeliveryWindow.Delivery> deliveries = receive(1, 5);
        settle(deliveries, 1, 2);
        settle(deliveries, 4);
        assertThat(frames).isEmpty();
        assertThat(later).as("one send, however many settled").hasSize(1);

        runLater();
        assertThat(frames).as("delivery 3 is still open").containsExactly("ack through 2");
    }

    @Test
    void noDeliveryIsAcknowledgedBeforeAnEarlierOneIsSettled() {
        List<DeliveryWindow.Delivery> deliveries = receive(1, 300);
        for (int tag = 2; tag <= 300; tag++) {
            settle(deliveries, tag);
        }
        runLater();
        assertThat(frames).as("delivery 1 is not written yet").isEmpty();

        settle(deliveries, 1);
        assertThat(frames).containsExactly("ack through 300");
    }

    @Test
    void whileOthersStayOpenEveryHundredSettledAreAcknowledged() {
        List<DeliveryWindow.Delivery> deliveries = receive(1, 250);
        for (int tag = 1; tag <= 249; tag++) {
            settle(deliveries, tag);
        }
        assertThat(frames).containsExactly("ack through 100", "ack through 200");

        settle(deliveries, 250);
        assertThat(frames).containsExactly("ack through 100", "ack through 200", "ack through 250");
    }

    @Test
    void aReturnedDeliveryGoesBackAtOnceAndAlone() {
        List<DeliveryWindow.Delivery> deliveries = receive(1, 3);
        window.giveBack(deliveries.get(1));
        assertThat(frames).containsExactly("nack 2");

        settle(deliveries, 1, 3);
        assertThat(frames).as("delivery 2 is no longer the broker's to acknowledge").containsExactly("nack 2", "ack through 3");
    }

    @Test
    void afterADeliveryTheWindowNeverSawEachIsAcknowledgedAlone() {
        List<DeliveryWindow.Delivery> deliveries = new ArrayList<>(receive(1, 2));
        settle(deliveries, 1);
        deliveries.add(window.received(4)); // 3 failed before the pipeline read it: the broker still waits for it
        assertThat(frames).as("what is settled before the gap still goes in one frame").containsExactly("ack through 1");

        window.acknowledge(deliveries.get(2), false);
        window.acknowledge(deliveries.get(1), false);
        assertThat(frames).containsExactly("ack through 1", "ack 4", "ack 2");
    }

    @Test
    void whileStoppingWhatIsSettledIsAcknowledgedAtOnce() {
        List<DeliveryWindow.Delivery> deliveries = receive(1, 3);
        window.acknowledge(deliveries.get(0), true);
        assertThat(frames).containsExactly("ack through 1");
    }

    @Test
    void whatWaitsForTheAcknowledgementRunsOnceItIsSentAndNeverWhenItFails() {
        List<DeliveryWindow.Delivery> deliveries = receive(1, 3);
        AtomicInteger ran = new AtomicInteger();
        deliveries.get(0).whenAcknowledged(ran::incrementAndGet);
        settle(deliveries, 1);
        assertThat(ran).as("settled, but not yet acknowledged").hasValue(0);
        runLater();
        assertThat(ran).hasValue(1);

        settle(deliveries, 2, 3);
        deliveries.get(2).whenAcknowledged(ran::incrementAndGet);
        assertThat(ran).as("already acknowledged: at once").hasValue(2);

        List<DeliveryWindow.Delivery> later = receive(4, 4);
        later.get(0).whenAcknowledged(ran::incrementAndGet);
        channelClosed = true;
        window.acknowledge(later.get(0), false);
        later.get(0).whenAcknowledged(ran::incrementAndGet);
        assertThat(ran).as("the broker delivers it again").hasValue(2);
    }

    private void runLater() {
        List<Runnable> due = new ArrayList<>(later);
        later.clear();
        due.forEach(Runnable::run);
    }

    private List<DeliveryWindow.Delivery> receive(long from, long to) {
        List<DeliveryWindow.Delivery> deliveries = new ArrayList<>();
        for (long tag = from; tag <= to; tag++) {
            deliveries.add(window.received(tag));
        }
        return deliveries;
    }

    /** Settles the deliveries with these tags, of those received from tag 1. */
    private void settle(List<DeliveryWindow.Delivery> deliveries, int... tags) {
        for (int tag : tags) {
            window.acknowledge(deliveries.get(tag - 1), false);
        }
    }
}
