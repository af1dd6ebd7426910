package io.batchpipeline.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The management port of a running pipeline, in this JVM or in a jar: GET its endpoints, read its metrics. */
public final class Management {

    private Management() {
    }

    /** A GET on the management port: the status code and the body. */
    public static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A sample's value in Prometheus text format, e.g. {@code batch_pipeline_records_read_total{pipeline="x"}}. */
    public static long sample(String metrics, String name) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(metrics);
        assertThat(matcher.find()).as(name).isTrue();
        return (long) Double.parseDouble(matcher.group(1));
    }
}
