package io.batchpipeline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import io.batchpipeline.support.RunningPipeline;
import org.apache.camel.support.ScheduledPollConsumer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A folder is polled as soon as its pipeline starts, not a second later as Camel's file consumer would, unless its URI says when. */
class FileSourceTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} -> {1} ms")
    @CsvSource({"'', 0", "&initialDelay=5000, 5000"})
    void theFirstPollComesAtOnceUnlessTheUriNamesItsInitialDelay(String option, long initialDelay) throws Exception {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("source.uri", "file:" + dir.resolve("input") + "?move=.done" + option);
        try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
            ScheduledPollConsumer consumer = (ScheduledPollConsumer) pipeline.context().getRoute("default-pipeline").getConsumer();
            assertThat(consumer.getInitialDelay()).isEqualTo(initialDelay);
        }
    }
}
