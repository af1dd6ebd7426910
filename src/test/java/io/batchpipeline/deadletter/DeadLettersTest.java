package io.batchpipeline.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.batchpipeline.record.SourceRecord;
import io.batchpipeline.support.SampleData;
import org.apache.camel.CamelContext;
import org.apache.camel.component.mock.MockEndpoint;
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

            deadLetters.reject("file:" + dir + "?fileName=rejected.jsonl&fileExist=Append", "events",
                    List.of(new DeadLetters.Entry(record, "malformed JSON: unexpected character after '" + halfEmoji + "'")), failingTest());
        }

        List<JsonNode> entries = SampleData.readJsonLines(dir.resolve("rejected.jsonl"));
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).get("record").asText()).isEqualTo("{\"name\":\"" + halfEmoji + "\" broken");
        assertThat(entries.get(0).get("reason").asText()).endsWith("'" + halfEmoji + "'");
    }

    @Test
    void aBatchsEntriesGoToAFileAsLinesAndToAnyOtherEndpointOneMessageEach() throws Exception {
        List<DeadLetters.Entry> entries = List.of(
                new DeadLetters.Entry(new SourceRecord("orders.csv", 2, "1,x", raw -> null, null), "bad amount"),
                new DeadLetters.Entry(new SourceRecord("orders.csv", 5, "4,y", raw -> null, null), "bad quantity"));
        try (CamelContext context = new DefaultCamelContext()) {
            context.start();
            DeadLetters deadLetters = new DeadLetters();
            deadLetters.setCamelContext(context);
            MockEndpoint messages = context.getEndpoint("mock:dead", MockEndpoint.class);
            String file = "file:" + dir + "?fileName=rejected.jsonl&fileExist=Append";

            deadLetters.reject(file, "orders", entries, failingTest());
            deadLetters.reject("mock:dead", "orders", entries, failingTest());


            assertThat(messages.getReceivedExchanges()).extracting(e -> e.getMessage().getBody(String.class))
                    .hasSize(2).allMatch(body -> body.endsWith("\n") && body.indexOf('\n') == body.length() - 1);
        }
        assertThat(SampleData.readJsonLines(dir.resolve("rejected.jsonl"))).extracting(entry -> entry.get("line").asLong() + " " + entry.get("reason").asText())
                .containsExactly("2 bad amount", "5 bad quantity");
    }

    @Test
    void anEndpointThatRefusesTellsOfEachEntry() throws Exception {
        List<DeadLetters.Entry> entries = List.of(
                new DeadLetters.Entry(new SourceRecord("a.csv", 2, "1,x", raw -> null, null), "bad"),
                new DeadLetters.Entry(new SourceRecord("b.csv", 3, "2,y", raw -> null, null), "bad"));
        List<String> failed = new ArrayList<>();
        try (CamelContext context = new DefaultCamelContext()) {
            context.start();
            DeadLetters deadLetters = new DeadLetters();
            deadLetters.setCamelContext(context);

            deadLetters.reject("no-such-component:x", "orders", entries, (entry, cause) -> failed.add(entry.record().source()));
        }
        assertThat(failed).containsExactly("a.csv", "b.csv");
    }

    private static DeadLetters.Failure failingTest() {
        return (entry, cause) -> {
            throw new AssertionError("not sent: " + entry, cause);
        };
    }
}
