package io.batchpipeline.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchpipeline.record.SourceRecord;
import io.batchpipeline.support.SampleData;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dead-letter entry is written whatever text its record or reason holds. */
class DeadLettersTest {

    @TempDir
    Path dir;

    @Test
    void halfAnEmojiInTheReasonOrTheRecordIsWrittenAndReadsBackExactly() throws Exception {
        String halfEmoji = "\uD83D";
        try (CamelContext context = new DefaultCamelContext()) {
            context.start();
            DeadLetters deadLetters = new DeadLetters();
            deadLetters.setCamelContext(context);
            SourceRecord record = new SourceRecord("events.jsonl", 7, "{\"name\":\"" + halfEmoji + "\" broken", raw -> null, null);

            deadLetters.reject("file:" + dir + "?fileName=rejected.jsonl&fileExist=Append", "events", record,
                    "malformed JSON: unexpected character after '" + halfEmoji + "'");
        }

        List<JsonNode> entries = SampleData.readJsonLines(dir.resolve("rejected.jsonl"));
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).get("record").asText()).isEqualTo("{\"name\":\"" + halfEmoji + "\" broken");
        assertThat(entries.get(0).get("reason").asText()).endsWith("'" + halfEmoji + "'");
    }
}
