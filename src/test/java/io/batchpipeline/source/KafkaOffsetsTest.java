package io.batchpipeline.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The committed offset of a partition trails its oldest record not yet written, whatever order writers finish in. */
class KafkaOffsetsTest {

    private final TopicPartition partition = new TopicPartition("orders", 0);
    private final MockConsumer<String, String> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
    private final KafkaOffsets offsets = new KafkaOffsets();

    @Test
    void aLaterRecordWrittenFirstIsNotCommittedPastAnEarlierOneStillWaiting() {
        consumer.assign(List.of(partition));
        for (long offset = 10; offset <= 12; offset++) {
            offsets.read(at(offset));
        }
        offsets.written(at(11));
        offsets.written(at(12));
        offsets.commit(consumer);
        assertThat(committed()).as("record 10 is not written yet: a restart reads from it").isEqualTo(10);
        assertThat(offsets.getPendingExchangesSize()).as("record 10, for which a stop waits").isEqualTo(1);

        offsets.written(at(10));
        offsets.commit(consumer);
        assertThat(committed()).as("the next record to read").isEqualTo(13);
        assertThat(offsets.getPendingExchangesSize()).isZero();
    }

    @Test
    void aPartitionNoLongerAssignedIsLeftToItsNewConsumerAndAStopWaitsForNoCommitOfIt() {
        consumer.assign(List.of(new TopicPartition("orders", 1)));
        offsets.read(at(5));
        offsets.written(at(5));
        offsets.commit(consumer);
        assertThat(committed()).isNull();
        assertThat(offsets.getPendingExchangesSize()).as("its record is written; the commit is the new consumer's").isZero();
    }

    /** consumersCount: each consumer commits after its own polls, and only the partitions it holds. */
    @Test
    void aConsumerThatDoesNotHoldAPartitionLeavesItsCommitToTheOneThatDoes() {
        MockConsumer<String, String> other = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
        other.assign(List.of(new TopicPartition("orders", 1)));
        consumer.assign(List.of(partition));
        offsets.read(at(7));
        offsets.written(at(7));

        offsets.commit(other);
        offsets.commit(consumer);
        assertThat(committed()).isEqualTo(8);
    }

    private KafkaOffsets.Position at(long offset) {
        return new KafkaOffsets.Position(partition, offset);
    }

    private Long committed() {
        var committed = consumer.committed(Set.of(partition)).get(partition);
        return committed == null ? null : committed.offset();
    }
}
