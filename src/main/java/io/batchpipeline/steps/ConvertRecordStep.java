package io.batchpipeline.steps;

import io.batchpipeline.observability.PipelineRegistry;
import io.batchpipeline.source.SourceRecord;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Per record: counts it and lets the pipeline's sink convert it into a row, or throw RejectedRecordException. */
public class ConvertRecordStep extends PipelineStep implements Processor {

    public ConvertRecordStep(PipelineRegistry registry) {
        super(registry);
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        stats(exchange).recordRead();
        SourceRecord record = exchange.getMessage().getMandatoryBody(SourceRecord.class);
        exchange.getMessage().setBody(sink(exchange).convert(record));
    }
}
