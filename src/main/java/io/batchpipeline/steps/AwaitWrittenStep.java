package io.batchpipeline.steps;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.batchpipeline.record.SourceReceipt;
import io.batchpipeline.source.BrokerMessage;
import io.batchpipeline.source.KafkaOffsets;
import io.batchpipeline.source.KafkaPoll;
import io.batchpipeline.source.SourceProgress;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Ordered;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pipeline's last step for a file: completes its exchange, which moves the file to {@code .done}, only once all its
 * records are written or dead-lettered; after a crash the file is still in the input folder and is read
 * again. Asynchronous, so no thread is held while the file's last batch waits to close. An HTTP request
 * ({@code platform-http:}) is answered the same way: 200 once its records are written or dead-lettered, with their
 * counts, so a client that got no answer sends again.
 *
 * <p>Without a durable buffer, a RabbitMQ, MQTT, JMS or JetStream message waits like a file (its consumer acknowledges on
 * completion, see {@code BrokerMessage}); other sources complete at once: a synchronous caller (direct, or a bus
 * consumer without async acknowledgement) would otherwise wait for its record's batch to close, one record per batch.
 * With one, a source completes once its records are stored, which the buffer does in the background for many sources
 * at a time: files, requests and those messages wait without a thread, other consumers on theirs. A Kafka record
 * completes at once either way; its offset is committed once its records are written, or stored ({@link KafkaOffsets}).
 */
public class AwaitWrittenStep extends AsyncProcessorSupport {

    private static final Logger LOG = LoggerFactory.getLogger(AwaitWrittenStep.class);

    private final boolean durable;
    private final SourceProgress progress;
    private final KafkaOffsets offsets;

    /**
     * @param durable  records are stored in a durable buffer once read, so every source completes once they are stored
     * @param progress told when a file is done or a message acknowledged, so it forgets how far it was stored
     * @param offsets  told when a Kafka record is written or stored; null when the source is not Kafka
     */
    public AwaitWrittenStep(boolean durable, SourceProgress progress, KafkaOffsets offsets) {
        this.durable = durable;
        this.progress = progress;
        this.offsets = offsets;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        if (durable) {
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onComplete(Exchange done) {
                    // if it cannot be acknowledged, it comes again, and resumes after its stored records
                    BrokerMessage.whenAcknowledged(done, progress.forget(done));
                }

                /**
                 * After the file consumer's own completion, which moves the file to .done. Camel runs completions last
                 * added first, so without this the mark went first: a kill between the two read the whole file again,
                 * and stored it twice (seen once in CrashIT: 10,000 duplicates). Now a kill there leaves only a mark
                 * for a file that is done, which names that exact file and is harmless.
                 */
                @Override
                public int getOrder() {
                    return Ordered.LOWEST;
                }
            });
        }
        if (offsets != null) { // the consumer reads on; each record's offset is committed once it is written (or stored)
            KafkaPoll poll = KafkaPoll.of(exchange);
            if (poll != null) {
                for (int i = 0; i < poll.size(); i++) {
                    kafkaRecordRead(poll.position(i), poll.receipt(i));
                }
            }
            callback.done(true);
            return true;
        }
        SourceReceipt receipt = exchange.getProperty(SourceReceipt.PROPERTY, SourceReceipt.class);
        if (receipt == null) { // refused before it was read (HTTP)
            callback.done(true);
            return true;
        }
        if (durable) {
            return awaitStored(exchange, receipt, callback);
        }
        if (!completesLater(exchange)) {
            callback.done(true);
            return true;
        }
        boolean file = exchange.getFromEndpoint() instanceof GenericFileEndpoint<?>;
        boolean http = exchange.getFromEndpoint() instanceof PlatformHttpEndpoint;
        if (receipt.seal(() -> complete(exchange, receipt, callback, http, false))) {
            complete(exchange, receipt, callback, http, true);
            return true;
        }
        if (file) {
            LOG.info("{}: read to the end; it is marked done once its last records are written",
                    exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class));
        }
        return false;
    }

    /**
     * With a durable buffer a source completes once its records are stored. The buffer appends the chunks of many
     * sources in one transaction, in the background, so this waits without holding a thread.
     */
    private boolean awaitStored(Exchange exchange, SourceReceipt receipt, AsyncCallback callback) {
        CompletableFuture<Void> stored = receipt.stored().all();
        if (stored.isDone() || !completesLater(exchange) || exchange.getContext().isStopping()) {
            // on the consumer's thread: a consumer that acknowledges when the route returns must not return
            // before the store; and while stopping, a consumer closes its channel (a RabbitMQ one returns what is
            // unacknowledged to the queue) only once this returns, so no message is delivered again elsewhere while its
            // records are still on their way into the buffer, where the other instance could not yet see them
            stored(exchange, receipt, stored.handle((ignored, failure) -> failure).join());
            callback.done(true);
            return true;
        }
        stored.whenComplete((ignored, failure) -> {
            stored(exchange, receipt, failure);
            callback.done(false);
        });
        return false;
    }

    private void stored(Exchange exchange, SourceReceipt receipt, Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause != null) {
            exchange.setException(cause instanceof Exception e ? e : new IllegalStateException(cause));
        } else if (exchange.getFromEndpoint() instanceof PlatformHttpEndpoint) {
            answer(exchange, "{\"records\":" + receipt.records() + ",\"stored\":" + receipt.records() + "}");
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /**
     * Whether the source takes the completion of its exchange, later and on another thread, as its acknowledgement:
     * a file (moved to done), an HTTP request (answered), a RabbitMQ, MQTT, JMS or JetStream message acknowledged then.
     */
    private static boolean completesLater(Exchange exchange) {
        Endpoint source = exchange.getFromEndpoint();
        return source instanceof GenericFileEndpoint<?> || source instanceof PlatformHttpEndpoint || BrokerMessage.acknowledgedOnCompletion(source);
    }

    /**
     * A Kafka record went through the route: its offset is committed once its records, and every earlier record of its
     * partition, are written (or stored); until then later offsets of its partition wait, and a restart reads it again.
     */
    private void kafkaRecordRead(KafkaOffsets.Position position, SourceReceipt receipt) {
        if (position == null) {
            return;
        }
        offsets.read(position);
        if (receipt == null) {
            offsets.written(position);
        } else if (durable) { // many records share a transaction of the buffer
            receipt.stored().all().whenComplete((ignored, failure) -> kafkaRecordDone(position, unwrap(failure)));
        } else if (receipt.seal(() -> kafkaRecordDone(position, receipt.failure()))) {
            kafkaRecordDone(position, receipt.failure());
        }
    }

    private void kafkaRecordDone(KafkaOffsets.Position position, Throwable failure) {
        if (failure == null) {
            offsets.written(position);
        } else {
            LOG.warn("Kafka record {} could not be {} ({}); it is read again after a restart", position, durable ? "stored" : "written",
                    failure.getMessage());
        }
    }

    private static void complete(Exchange exchange, SourceReceipt receipt, AsyncCallback callback, boolean http, boolean sync) {
        if (receipt.failure() != null) {
            exchange.setException(receipt.failure());
        } else if (http) {
            long rejected = receipt.rejectedRecords();
            answer(exchange, "{\"records\":" + receipt.records() + ",\"written\":" + (receipt.records() - rejected)
                    + ",\"rejected\":" + rejected + "}");
        }
        callback.done(sync);
    }

    private static void answer(Exchange exchange, String json) {
        HttpAnswer.set(exchange, 200, "application/json", json);
    }
}
