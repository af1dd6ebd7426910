package io.batchpipeline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import io.batchpipeline.batching.WriterPool;
import io.batchpipeline.support.Databases;
import io.batchpipeline.support.FreePort;
import io.batchpipeline.support.GateSink;
import io.batchpipeline.support.RunningPipeline;
import io.batchpipeline.support.SampleData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP as a source: a POSTed body is answered once its records are written; a request that cannot be taken, at once. */
class HttpSourceTest {

    @TempDir
    Path dir;

    private final int port = FreePort.find();
    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void aPostIsAnsweredOnceItsRecordsAreInTheTableWithTheirCounts() throws Exception {
        Map<String, String> settings = http(RunningPipeline.defaults(dir), "source.uri");
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            HttpResponse<String> response = post("/orders", csv(1, 1500) + "1501,B,abc,1,2026-01-01T00:00:00Z,x,true\n");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"records\":1501,\"written\":1500,\"rejected\":1}\n");
            // the answer came after the write: the rows are there already, the last 501 in a batch closed by its timeout
            assertThat(Databases.count(settings.get("sink.jdbc.url"), "sa", "", "SELECT COUNT(*) FROM orders")).isEqualTo(1500);
        }
    }

    @Test
    void aBodyThatCannotBeReadIsRefusedWithTheReason() throws Exception {
        try (RunningPipeline pipeline = RunningPipeline.start(http(RunningPipeline.defaults(dir), "source.uri"))) {
            HttpResponse<String> empty = post("/orders", "");
            HttpResponse<String> json = post("/orders", SampleData.jsonLine(1) + "\n");

            assertThat(empty.statusCode()).isEqualTo(400);
            assertThat(empty.body()).contains("the body is empty");
            assertThat(json.statusCode()).isEqualTo(400);
            assertThat(json.body()).contains("looks like JSON").contains("source.format");
            assertThat(pipeline.stats().recordsRead()).isZero();
        }
    }

    @Test
    void whileTheWritersAreSaturatedARequestIsAnswered503WithRetryAfter() throws Exception {
        Map<String, String> settings = http(RunningPipeline.gated(dir), "gated.source");
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            GateSink sink = pipeline.bean("gateSink", GateSink.class);
            WriterPool writers = pipeline.writers("gated-pipeline");
            // a request of 10 records is a batch: 4 being written, 2 queued, and the 7th request waiting to hand its on
            List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
            for (int request = 0; request < 7; request++) {
                waiting.add(postAsync("/orders", csv(request * 10L + 1, request * 10L + 10)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> writers.waitingSubmitters() == 1);

            HttpResponse<String> refused = post("/orders", csv(1000, 1009));
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(waiting).as("none answered while its records wait").noneMatch(CompletableFuture::isDone);

            sink.open();
            for (CompletableFuture<HttpResponse<String>> answer : waiting) {
                assertThat(answer.get().statusCode()).isEqualTo(200);
            }
            assertThat(sink.rows()).isEqualTo(70);
        }
    }

    /** The main HTTP server on a free port, and the pipeline named by {@code key} reading from it. */
    private Map<String, String> http(Map<String, String> settings, String key) {
        settings.put("camel.server.enabled", "true");
        settings.put("camel.server.port", Integer.toString(port));
        settings.put(key, "platform-http:/orders?httpMethodRestrict=POST");
        return settings;
    }

    private static String csv(long from, long to) {
        return SampleData.HEADER + "\n" + LongStream.rangeClosed(from, to).mapToObj(SampleData::csvLine).collect(Collectors.joining("\n")) + "\n";
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return postAsync(path, body).get();
    }

    private CompletableFuture<HttpResponse<String>> postAsync(String path, String body) {
        return client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "text/csv").build(), HttpResponse.BodyHandlers.ofString());
    }
}
