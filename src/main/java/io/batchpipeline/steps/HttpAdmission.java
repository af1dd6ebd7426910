package io.batchpipeline.steps;

import io.batchpipeline.batching.WriterPool;
import io.batchpipeline.source.MessageBody;
import io.batchpipeline.source.SourceFormat;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;

/**
 * One pipeline's first step for an HTTP request ({@code platform-http:} source); other sources pass through.
 * A request is answered at once, and not read, when it cannot be taken: 503 with {@code Retry-After} while the
 * writers are saturated (the hand-off is full and the source already waits), so that a client backs off instead
 * of holding a connection; 400 with the reason when its body cannot be read in the pipeline's format (empty, or
 * JSON sent to a CSV pipeline, which would otherwise be taken for a header). Otherwise the request goes on and is
 * answered once its records are written ({@link AwaitWrittenStep}).
 */
public class HttpAdmission implements Processor {

    /** Seconds a client is asked to wait before it tries again. */
    static final String RETRY_AFTER_SECONDS = "1";

    private final WriterPool writers;
    private final SourceFormat format;

    public HttpAdmission(WriterPool writers, SourceFormat format) {
        this.writers = writers;
        this.format = format;
    }

    @Override
    public void process(Exchange exchange) {
        if (!(exchange.getFromEndpoint() instanceof PlatformHttpEndpoint)) {
            return;
        }
        if (writers.waitingSubmitters() > 0) {
            refuse(exchange, 503, "the pipeline's writers are saturated: retry later");
            exchange.getMessage().setHeader("Retry-After", RETRY_AFTER_SECONDS);
            return;
        }
        byte[] body = exchange.getMessage().getBody(byte[].class);
        exchange.getMessage().setBody(body); // converted once: the reader takes the bytes as they are
        String problem = MessageBody.unreadable(body, format);
        if (problem != null) {
            refuse(exchange, 400, problem);
        }
    }

    private static void refuse(Exchange exchange, int status, String reason) {
        HttpAnswer.set(exchange, status, "text/plain; charset=utf-8", reason);
        exchange.setRouteStop(true);
    }
}
