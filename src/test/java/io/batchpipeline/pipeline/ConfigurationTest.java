package io.batchpipeline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;

import io.batchpipeline.config.InvalidSettingException;
import io.batchpipeline.support.RunningPipeline;
import io.batchpipeline.support.SampleData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** A configuration that cannot work stops startup with a message that names the key and the problem. */
class ConfigurationTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "sink.type          | kafka                              | unknown value 'kafka'",
        "batch.size         | 0                                  | must be between 1",
        "batch.size         | ten                                | not a whole number",
        "batch.timeout      | -5                                 | must be between 1",
        "batch.writers      | 0                                  | must be between 1",
        "source.format      | xml                                | unknown value 'xml'",
        "sink.jdbc.table    | no_such_table                      | does not exist",
        "sink.jdbc.url      | jdbc:postgresql://127.0.0.1:1/none | cannot connect",
        "sink.jdbc.mode     | merge                              | unknown value 'merge'",
        "sink.jdbc.columns  | id,nope                            | column 'nope' does not exist",
        "sink.jdbc.key-columns | customer                        | no primary key or unique index",
        "sink.jdbc.table    | orders; DROP TABLE orders          | does not exist",
        "sink.jdbc.columns  | id) VALUES (1); DROP TABLE orders; -- | does not exist",
        "camel.main.duration-max-idle-seconds | abc              | not a whole number",
        "source.csv.delimiter | '\"'                              | cannot be the quote character",
        "source.charset     | no-such-charset                    | unknown charset",
        "source.charset     | UTF-16                             | does not write ASCII as ASCII",
        "source.metadata    | topic,offest                       | 'offest' is not message metadata",
        "source.uri         | paho-mqtt5:orders?qos=1            | needs a clientId of its own",
        "source.uri         | paho-mqtt5:orders?qos=0&clientId=a | qos=0 messages are never delivered again",
        "source.uri         | nats:orders?jetstreamEnabled=true  | needs the stream's name",
        "source.uri         | nats:orders?jetstreamEnabled=true&jetstreamName=ORDERS | needs a durableName",
        "source.uri         | nats:orders?jetstreamEnabled=true&jetstreamName=ORDERS&durableName=a&pullSubscription=true | consumes JetStream by push",
    })
    void anInvalidSettingStopsStartupNamingTheKey(String key, String value, String problem) {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put(key, value);
        if (key.equals("sink.jdbc.key-columns")) {
            settings.put("sink.jdbc.mode", "upsert");
        }

        Throwable failure = catchThrowable(() -> RunningPipeline.start(settings).close());

        InvalidSettingException invalid = find(failure);
        assertThat(invalid).as("startup failure caused by an invalid setting").isNotNull();
        assertThat(invalid.setting()).isEqualTo(key);
        assertThat(invalid.getMessage()).startsWith(key + ": ").contains(problem);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "sink.jdbc.pool-size    | 4    | must be more than batch.writers",
        "sink.type              | file | batch.durable.jdbc-url: is not set",
    })
    void theDurableBufferNeedsAConnectionOfItsOwnAndADatabase(String key, String value, String problem) {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("batch.durable", "true");
        settings.put(key, value);

        InvalidSettingException invalid = find(catchThrowable(() -> RunningPipeline.start(settings).close()));

        assertThat(invalid).isNotNull();
        assertThat(invalid.getMessage()).contains(problem);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "source.uri | direct:orders | only a file: source can share its folder",
        "sink.type  | file          | needs a database to coordinate instances in",
    })
    void aSharedFolderNeedsAFileSourceAndADatabase(String key, String value, String problem) {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("source.shared-folder", "true");
        settings.put(key, value);

        InvalidSettingException invalid = find(catchThrowable(() -> RunningPipeline.start(settings).close()));

        assertThat(invalid).isNotNull();
        assertThat(invalid.setting()).isEqualTo("source.shared-folder");
        assertThat(invalid.getMessage()).contains(problem);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"source.uri", "deadletter.uri"})
    void aFileEndpointWhoseFolderIsAFileStopsStartup(String key) throws Exception {
        Path notAFolder = SampleData.writeFile(dir, "not-a-folder", "x");
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put(key, "file:" + notAFolder + "?fileName=rejected.jsonl");

        InvalidSettingException invalid = find(catchThrowable(() -> RunningPipeline.start(settings).close()));

        assertThat(invalid).isNotNull();
        assertThat(invalid.setting()).isEqualTo(key);
        assertThat(invalid.getMessage()).contains("is a file, not a folder");
    }

    /** The MariaDB driver reads user:password@host as a host and a port, and quotes the "port" in its message. */
    @ParameterizedTest
    @ValueSource(strings = {"jdbc:postgresql://127.0.0.1:1/none?user=bob&password=hunter2", "jdbc:mariadb://bob:hunter2@127.0.0.1:1/none"})
    void aPasswordInsideAJdbcUrlNeverAppearsInTheMessage(String url) {
        Map<String, String> settings = RunningPipeline.defaults(dir);
        settings.put("sink.jdbc.url", url);

        InvalidSettingException invalid = find(catchThrowable(() -> RunningPipeline.start(settings).close()));

        assertThat(invalid.getMessage()).contains("cannot connect to " + url.replace("hunter2", "******")).doesNotContain("hunter2");
    }

    @Test
    void credentialsCanComeFromAMountedSecretFile() throws Exception {
        String url = "jdbc:h2:mem:secured-" + dir.getFileName() + ";DB_CLOSE_DELAY=-1";
        try (Connection keepOpen = DriverManager.getConnection(url, "sa", "s3cret-from-file")) {
            SampleData.writeFile(dir.resolve("secrets"), "db.properties", "sink.jdbc.password = s3cret-from-file\n");
            Map<String, String> settings = RunningPipeline.defaults(dir);
            settings.put("sink.jdbc.url", url);
            settings.put("camel.main.file-configurations", dir.resolve("secrets") + "/*.properties");

            try (RunningPipeline pipeline = RunningPipeline.start(settings)) {
                SampleData.writeCsv(dir.resolve("input"), "orders.csv", 1, 10);
                await().atMost(Duration.ofSeconds(30)).until(() -> pipeline.stats().rowsWritten() == 10);
            }
        }
    }

    private static InvalidSettingException find(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvalidSettingException invalid) {
                return invalid;
            }
        }
        return null;
    }
}
