package io.batchpipeline.source;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import io.batchpipeline.common.Errors;
import org.apache.camel.Exchange;
import org.apache.camel.ShutdownRunningTask;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.spi.ShutdownAware;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pipeline's Kafka offsets: a record's offset is committed only once it and every earlier record of its partition
 * are written or dead-lettered (with the durable buffer: stored). The consumer does not wait for that: it reads on
 * while earlier records wait for their batch, so records of many messages share a batch, and the committed offset
 * of each partition trails the oldest record not yet written. A crash therefore reads again from there: at least once.
 *
 * <p>Written by hand because camel-kafka has no such mode: its manual commits store one offset per partition, last
 * caller wins (a writer finishing an older batch would move it back), and commit only after a poll that returned
 * records of that partition, so the last records of a quiet topic would stay uncommitted. Here the commit is made on
 * the consumer's own thread after every poll ({@link KafkaCommitListener}), and a graceful stop waits until every
 * record read is written and committed ({@link ShutdownAware}).
 */
public final class KafkaOffsets extends ServiceSupport implements ShutdownAware {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaOffsets.class);

    /** Where a Kafka record sits, as the consumer's headers tell; null for other sources. */
    public record Position(TopicPartition partition, long offset) {

        public static Position of(Exchange exchange) {
            // one pass over the few headers, not three lookups in Camel's case-insensitive tree map: those were a tenth
            // of a Kafka consumer's time with one record per message
            String topic = null;
            Integer partition = null;
            Long offset = null;
            for (Map.Entry<String, Object> header : exchange.getMessage().getHeaders().entrySet()) {
                String name = header.getKey();
                Object value = header.getValue();
                if (value instanceof String text && name.equalsIgnoreCase(KafkaConstants.TOPIC)) {
                    topic = text;
                } else if (value instanceof Integer number && name.equalsIgnoreCase(KafkaConstants.PARTITION)) {
                    partition = number;
                } else if (value instanceof Long number && name.equalsIgnoreCase(KafkaConstants.OFFSET)) {
                    offset = number;
                }
            }
            return topic == null || partition == null || offset == null ? null : new Position(new TopicPartition(topic, partition), offset);
        }

        @Override
        public String toString() {
            return partition + "@" + offset;
        }
    }

    private final Map<TopicPartition, Progress> partitions = new ConcurrentHashMap<>();

    /** The record at {@code position} entered the pipeline; called on the consumer's thread, in offset order per partition. */
    public void read(Position position) {
        partitions.computeIfAbsent(position.partition(), p -> new Progress()).read(position.offset());
    }

    /** Its records are written, dead-lettered or stored; called on any thread. */
    public void written(Position position) {
        Progress progress = partitions.get(position.partition());
        if (progress != null) {
            progress.written(position.offset());
        }
    }

    /** Commits, asynchronously, every assigned partition whose written prefix grew. Called on the consumer's thread. */
    void commit(Consumer<?, ?> consumer) {
        Set<TopicPartition> assigned = consumer.assignment();
        Thread self = Thread.currentThread(); // a consumer's own thread: camel-kafka runs each of consumersCount on one
        for (Map.Entry<TopicPartition, Progress> entry : partitions.entrySet()) {
            TopicPartition partition = entry.getKey();
            Progress progress = entry.getValue();
            if (!assigned.contains(partition)) {
                // another consumer's (consumersCount), or gone to another member, which reads on from its commit; asked
                // first, as toCommit marks its answer requested: a consumer on another thread took the commit of a
                // partition it did not hold, and its owner never made it (lag stuck above 0 with consumersCount=3)
                progress.givenUpBy(self);
                continue;
            }
            progress.heldBy(self);
            long next = progress.toCommit();
            if (next < 0) {
                continue; // nothing new
            }
            consumer.commitAsync(Map.of(partition, new OffsetAndMetadata(next)), (offsets, error) -> {
                if (error == null) {
                    progress.committed(next);
                } else {
                    progress.commitFailed(next);
                    LOG.warn("cannot commit offset {} of {}: {}; it is tried again after the next poll, and a restart reads from the last commit",
                            next, partition, Errors.describe(error));
                }
            });
        }
    }

    /** Records read but not yet written, and a commit not yet made: a graceful stop waits for them. */
    @Override
    public int getPendingExchangesSize() {
        long pending = 0;
        for (Progress progress : partitions.values()) {
            pending += progress.pending();
        }
        return (int) Math.min(Integer.MAX_VALUE, pending);
    }

    @Override
    public boolean deferShutdown(ShutdownRunningTask shutdownRunningTask) {
        return false;
    }

    @Override
    public void prepareShutdown(boolean suspendOnly, boolean forced) {
        if (forced && getPendingExchangesSize() > 0) {
            LOG.warn("stopping with {} Kafka records not yet written or committed: they are read again at the next start", getPendingExchangesSize());
        }
    }

    /** One partition: offsets read and not yet written, how far it is committed, and which consumer holds it. */
    private static final class Progress {

        private final TreeSet<Long> unwritten = new TreeSet<>();
        private long nextUnread = -1;
        private long committed = -1;
        private long requested = -1;
        /**
         * The thread of the consumer that holds the partition, or null once it went to another member of the group:
         * then nothing is left to commit here, and a stop waits only for its records read to be written. Before, a stop
         * waited out its whole timeout for a commit of a partition given up in a rebalance.
         */
        private Thread holder;

        synchronized void read(long offset) {
            holder = Thread.currentThread();
            unwritten.add(offset);
            nextUnread = Math.max(nextUnread, offset + 1);
        }

        synchronized void written(long offset) {
            unwritten.remove(offset);
        }

        /** The offset to commit now (the oldest record not yet written), or -1 when that is committed or asked for already. */
        synchronized long toCommit() {
            long next = unwritten.isEmpty() ? nextUnread : unwritten.first();
            if (next <= Math.max(committed, requested)) {
                return -1;
            }
            requested = next;
            return next;
        }

        synchronized void committed(long offset) {
            committed = Math.max(committed, offset);
        }

        synchronized void commitFailed(long offset) {
            if (requested == offset) {
                requested = committed;
            }
        }

        synchronized void heldBy(Thread consumer) {
            holder = consumer;
        }

        synchronized void givenUpBy(Thread consumer) {
            if (holder == consumer) {
                holder = null;
            }
        }

        synchronized long pending() {
            long next = unwritten.isEmpty() ? nextUnread : unwritten.first();
            return unwritten.size() + (holder != null && next > committed ? 1 : 0);
        }
    }
}
