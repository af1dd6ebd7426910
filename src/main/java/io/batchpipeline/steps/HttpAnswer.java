package io.batchpipeline.steps;

import org.apache.camel.Exchange;

/** The answer to an HTTP request ({@code platform-http:} source): its status, content type and body. */
final class HttpAnswer {

    private HttpAnswer() {
    }

    static void set(Exchange exchange, int status, String contentType, String body) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, contentType);
        exchange.getMessage().setBody(body + "\n");
    }
}
