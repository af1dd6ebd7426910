package io.batchpipeline.steps;

import io.batchpipeline.deadletter.DeadLetters;
import io.batchpipeline.observability.PipelineRegistry;
import io.batchpipeline.transform.RejectedRecordException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** The error handler for a rejected record: it goes to the dead-letter endpoint and the stream goes on. */
public class RejectRecordStep extends PipelineStep implements Processor {

    private final DeadLetters deadLetters;

    public RejectRecordStep(PipelineRegistry registry, DeadLetters deadLetters) {
        super(registry);
        this.deadLetters = deadLetters;
    }

    @Override
    public void process(Exchange exchange) {
        RejectedRecordException rejected = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, RejectedRecordException.class);
        stats(exchange).recordRejected();
        deadLetters.reject(deadLetterUri(exchange), pipeline(exchange), rejected.record(), rejected.getMessage());
    }
}
