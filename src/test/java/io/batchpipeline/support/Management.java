package io.batchpipeline.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The management port of a running pipeline, in this JVM or in a jar: GET its endpoints, read its metrics. */
public final class Management {

    /**
     * HTTP/1.1, as a scraper speaks it: the JDK client's default first offers an h2c upgrade. Once in a CI run a GET
     * sent that way got no answer and, without a timeout, held the test for good.
     */
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final int ATTEMPTS = 3;

    private Management() {
    }

    /** A GET on the management port: the status code and the body. A GET that gets no answer in 10 s is sent again, up to 3 times. */
    public static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build();
        for (int attempt = 1; ; attempt++) {
            try {
                return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (HttpTimeoutException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /** A sample's value in Prometheus text format, e.g. {@code batch_pipeline_records_read_total{pipeline="x"}}. */
    public static long sample(String metrics, String name) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(metrics);
        assertThat(matcher.find()).as(name).isTrue();
        return (long) Double.parseDouble(matcher.group(1));
    }
}
