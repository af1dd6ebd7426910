package io.batchpipeline.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** A record's text read as bytes or as a String answers alike, and turns into the other form only when asked. */
class RecordTextTest {

    private static final String TEXT = "1,\"Zoë \"\"李\"\"\",🚀";

    @Test
    void bytesAndTextAnswerAlike() {
        RecordText bytes = RecordText.ofUtf8(TEXT.getBytes(StandardCharsets.UTF_8));
        RecordText text = RecordText.of(TEXT);

        assertThat(bytes.isUtf8()).isTrue();
        assertThat(text.isUtf8()).isFalse();
        assertThat(bytes.string()).isEqualTo(TEXT);
        assertThat(text.utf8()).isEqualTo(TEXT.getBytes(StandardCharsets.UTF_8));
        assertThat(bytes.count('"')).isEqualTo(text.count('"')).isEqualTo(6);
        assertThat(bytes.count('李')).isEqualTo(text.count('李')).isEqualTo(1);
    }

    @Test
    void bytesReadAsSuchWeighTheirBytesAndTextItsCharacters() {
        assertThat(RecordText.ofUtf8("Zoë".getBytes(StandardCharsets.UTF_8)).size()).isEqualTo(4);
        assertThat(RecordText.of("Zoë").size()).isEqualTo(3);
    }

    @Test
    void blankIsWhiteSpaceOnlyInEitherForm() {
        for (String blank : new String[] {"", " \t", "\u2003 "}) {
            assertThat(RecordText.ofUtf8(blank.getBytes(StandardCharsets.UTF_8)).isBlank()).as(blank).isTrue();
            assertThat(RecordText.of(blank).isBlank()).as(blank).isTrue();
        }
        assertThat(RecordText.ofUtf8(" x ".getBytes(StandardCharsets.UTF_8)).isBlank()).isFalse();
        assertThat(RecordText.ofUtf8(" é".getBytes(StandardCharsets.UTF_8)).isBlank()).isFalse();
    }
}
