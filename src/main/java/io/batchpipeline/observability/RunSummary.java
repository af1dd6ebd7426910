package io.batchpipeline.observability;

import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs one summary line per pipeline once the context has stopped, that is after every batch was written. */
public class RunSummary extends EventNotifierSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RunSummary.class);

    private final PipelineRegistry stats;

    public RunSummary(PipelineRegistry stats) {
        this.stats = stats;
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextStoppedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        if (stats.all().isEmpty()) {
            LOG.info("Summary: no records were read");
        }
        stats.all().forEach(s -> LOG.info("Summary: {}", s.summary()));
    }
}
