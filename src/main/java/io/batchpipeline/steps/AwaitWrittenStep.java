package io.batchpipeline.steps;

import io.batchpipeline.record.SourceReceipt;
import io.batchpipeline.source.RabbitMqAcknowledgement;
import io.batchpipeline.source.SourceProgress;
import org.apache.camel.AsyncCallback;
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
 * <p>With a durable buffer every source completes at once: its records are stored in the buffer already,
 * which writes them after a crash. Without one, a RabbitMQ message waits like a file (its consumer is made
 * asynchronous, see {@code RabbitMqAcknowledgement}); other sources complete at once: a synchronous caller
 * (direct, or a bus consumer without async acknowledgement) would otherwise wait for its record's batch to
 * close, one record per batch.
 */
public class AwaitWrittenStep extends AsyncProcessorSupport {

    private static final Logger LOG = LoggerFactory.getLogger(AwaitWrittenStep.class);

    private final boolean durable;
    private final SourceProgress progress;

    /**
     * @param durable  records are stored in a durable buffer once read, so every source completes at once
     * @param progress told when a file is done or a message acknowledged, so it forgets how far it was stored
     */
    public AwaitWrittenStep(boolean durable, SourceProgress progress) {
        this.durable = durable;
        this.progress = progress;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        SourceReceipt receipt = exchange.getProperty(SourceReceipt.PROPERTY, SourceReceipt.class);
        if (durable) {
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onComplete(Exchange done) {
                    progress.sourceDone(done);
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
        boolean file = exchange.getFromEndpoint() instanceof GenericFileEndpoint<?>;
        boolean http = exchange.getFromEndpoint() instanceof PlatformHttpEndpoint;
        boolean acknowledged = RabbitMqAcknowledgement.acknowledgesOnCompletion(exchange.getFromEndpoint());
        if (receipt == null || durable || !(file || http || acknowledged)) {
            if (http && receipt != null) {
                answer(exchange, "{\"records\":" + receipt.records() + ",\"stored\":" + receipt.records() + "}");
            }
            callback.done(true);
            return true;
        }
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
