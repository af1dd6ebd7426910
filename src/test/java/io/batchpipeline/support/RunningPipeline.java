package io.batchpipeline.support;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.batchpipeline.BatchPipelineApplication;
import io.batchpipeline.batching.WriterPool;
import io.batchpipeline.config.Pipelines;
import io.batchpipeline.observability.PipelineRegistry;
import io.batchpipeline.observability.PipelineStats;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;

/**
 * The real application, started in this JVM exactly as the jar starts it, with test overrides on top of
 * application.properties. By default it loads only the route template and the default pipeline, reading
 * from and writing to a test's own folders.
 */
public final class RunningPipeline implements AutoCloseable {

    public static final String DEFAULT_ROUTES = "file:routes/batch-pipeline-template.yaml,file:routes/default-pipeline.yaml";

    private final Main main;

    private RunningPipeline(Main main) {
        this.main = main;
    }

    /** Settings every test wants: its own folders, an in-memory H2 of its own, the bundled sample table. */
    public static Map<String, String> defaults(Path dir) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("camel.main.routes-include-pattern", DEFAULT_ROUTES);
        settings.put("source.uri", "file:" + dir.resolve("input") + "?move=.done&moveFailed=.error&initialDelay=0&delay=50");
        settings.put("sink.jdbc.url", "jdbc:h2:mem:" + dir.getFileName() + ";DB_CLOSE_DELAY=-1");
        settings.put("sink.file.directory", dir.resolve("output").toString());
        settings.put("deadletter.uri", "file:" + dir.resolve("deadletter") + "?fileName=rejected.jsonl&fileExist=Append");
        settings.put("examples.dir", dir.resolve("examples").toString());
        settings.put("camel.management.port", Integer.toString(FreePort.find())); // tests share this machine with other runs
        return settings;
    }

    /** Only the gated pipeline (src/test/resources/routes), whose sink holds every batch until the test opens it. */
    public static Map<String, String> gated(Path dir) {
        Map<String, String> settings = defaults(dir);
        settings.put("camel.main.routes-include-pattern", "file:routes/batch-pipeline-template.yaml,classpath:routes/gated-pipeline.yaml");
        settings.put("gated.source", "file:" + dir.resolve("gated") + "?move=.done&initialDelay=0&delay=50");
        return settings;
    }

    public static RunningPipeline start(Map<String, String> settings) throws Exception {
        Main main = BatchPipelineApplication.createMain();
        settings.forEach(main::addOverrideProperty);
        main.start();
        return new RunningPipeline(main);
    }

    /** A GET on the management port: the status code and the body. */
    public HttpResponse<String> management(String path) throws IOException, InterruptedException {
        String port = context().getPropertiesComponent().resolveProperty("camel.management.port").orElseThrow();
        return Management.get(Integer.parseInt(port), path);
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public ProducerTemplate producer() {
        return context().createProducerTemplate();
    }

    public PipelineStats stats(String pipeline) {
        return context().getRegistry().lookupByNameAndType("pipelineStats", PipelineRegistry.class).of(pipeline);
    }

    public PipelineStats stats() {
        return stats("default-pipeline");
    }

    /** The writer pool of a pipeline, by its name (route id). */
    public WriterPool writers(String pipeline) {
        return bean("pipelines", Pipelines.class).of(pipeline).writers();
    }

    public <T> T bean(String name, Class<T> type) {
        return context().getRegistry().lookupByNameAndType(name, type);
    }

    /** A graceful stop, as on SIGTERM: open batches are flushed and writes finish before this returns. */
    public void stop() {
        main.stop();
    }

    @Override
    public void close() {
        stop();
    }
}
