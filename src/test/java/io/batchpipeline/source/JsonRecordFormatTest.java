package io.batchpipeline.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.batchpipeline.record.JsonText;
import io.batchpipeline.record.MalformedRecordException;
import io.batchpipeline.record.NumberText;
import io.batchpipeline.record.ParsedRecord;
import io.batchpipeline.record.RecordText;
import org.junit.jupiter.api.Test;

class JsonRecordFormatTest {

    private final JsonRecordFormat format = JsonRecordFormat.STANDARD;

    @Test
    void aRecordReadAsUtf8BytesParsesAsItsTextDoes() {
        List<String> lines = List.of(
                "{\"id\":1,\"name\":\"Zoë Müller\",\"tags\":[\"✓\",{\"a\":-0}],\"amount\":12.50}",
                "{\"note\":\"émoji 🚀 first\",\"nested\":{\"city\":\"Zürich\",\"n\":[1e2]},\"after\":\"李雷\"}",
                "{\"big\":123456789012345678901234567890,\"exp\":1e2,\"neg\":-0,\"t\":true,\"n\":null}",
                "{\"id\":2} \"text after\"",
                "{\"id\":3,\"id\":4}",
                "[1,2]",
                "{\"unterminated\":\"ab",
                "");

        for (String line : lines) {
            Object fromText = parseOrReason(RecordText.of(line));
            Object fromBytes = parseOrReason(RecordText.ofUtf8(line.getBytes(StandardCharsets.UTF_8)));

            if (fromText instanceof String reason) { // refused both ways; Jackson's two parsers word some reasons apart
                assertThat(fromBytes).as(line).isInstanceOf(String.class);
                String ours = reason.contains(":") ? reason.substring(0, reason.indexOf(':') + 1) : reason;
                assertThat((String) fromBytes).as(line).startsWith(ours);
            } else {
                assertThat(fromBytes).as(line).isEqualTo(fromText);
            }
        }
    }

    @Test
    void aNestedValueAfterMultiByteCharactersIsKeptAsWritten() {
        String line = "{\"note\":\"émoji 🚀 ünïcödé\",\"nested\":{\"city\":\"Zürich\", \"n\": [1e2, -0]},\"after\":\"李雷\"}";

        ParsedRecord parsed = format.parse(RecordText.ofUtf8(line.getBytes(StandardCharsets.UTF_8)));

        assertThat(parsed.asMap()).containsEntry("nested", new JsonText("{\"city\":\"Zürich\", \"n\": [1e2, -0]}"))
                .containsEntry("after", "李雷");
    }

    @Test
    void numbersKeepTheirWrittenFormFromBytes() {
        ParsedRecord parsed = format.parse(RecordText.ofUtf8("{\"a\":1e2,\"b\":7,\"c\":0.10}".getBytes(StandardCharsets.UTF_8)));

        assertThat(parsed.asMap().get("a")).isInstanceOf(NumberText.class).hasToString("1e2");
        assertThat(parsed.asMap()).containsEntry("b", 7L).containsEntry("c", new java.math.BigDecimal("0.10"));
    }

    @Test
    void aKeyGivenTwiceIsRefusedAtAnyDepthAndInAnyNumberOfKeys() {
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 40; i++) {
            many.append("\"k").append(i).append("\":").append(i).append(',');
        }
        List<String> refused = List.of(
                "{\"a\":1,\"b\":2,\"a\":3}",
                many + "\"k39\":0}",
                "{\"n\":{\"x\":1,\"x\":2}}",
                "{\"n\":[{\"x\":1,\"x\":2}]}",
                "{\"n\":[1],\"a\":1,\"a\":2}");

        for (String line : refused) {
            for (RecordText text : List.of(RecordText.of(line), RecordText.ofUtf8(line.getBytes(StandardCharsets.UTF_8)))) {
                assertThat(parseOrReason(text)).as(line).asString().startsWith("malformed JSON: Duplicate field '");
            }
        }
        assertThat(parseOrReason(RecordText.of(many + "\"k40\":40}"))).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .hasSize(41);
        assertThat(parseOrReason(RecordText.of("{\"n\":{\"x\":1},\"m\":{\"x\":2}}"))).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .hasSize(2);
    }

    /** The fields in order, or the reason the record is refused. */
    private Object parseOrReason(RecordText text) {
        try {
            return format.parse(text).asMap();
        } catch (MalformedRecordException e) {
            return e.getMessage();
        }
    }
}
