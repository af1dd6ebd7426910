package io.batchpipeline.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The hand-written check judges bytes as the JDK's strict UTF-8 decoder does. */
class Utf8ValidationTest {

    @ParameterizedTest
    @CsvSource({
            "41, true",            // ASCII
            "c3a9, true",          // é
            "e29c93, true",        // ✓
            "f09f9a80, true",      // 🚀
            "f48fbfbf, true",      // U+10FFFF, the last code point
            "efbfbd, true",        // U+FFFD itself
            "c0af, false",         // overlong /
            "c1bf, false",         // overlong
            "e080af, false",       // overlong three-byte form
            "f08080af, false",     // overlong four-byte form
            "eda080, false",       // a surrogate, U+D800
            "edbfbf, false",       // a surrogate, U+DFFF
            "f4908080, false",     // beyond U+10FFFF
            "f5808080, false",     // F5 never occurs
            "ff, false",
            "80, false",           // a continuation byte alone
            "c3, false",           // cut short
            "e29c, false",
            "f09f9a, false",
            "c341, false",         // a continuation byte missing
            "e241bc, false",
            "f09f41bc, false"})
    void edgeCases(String hex, boolean wellFormed) {
        byte[] bytes = HexFormat.of().parseHex(hex);

        assertThat(Utf8Validation.isWellFormed(bytes, 0, bytes.length)).isEqualTo(wellFormed).isEqualTo(jdkSaysWellFormed(bytes));
    }

    @Test
    void randomBytesAreJudgedAsTheJdkJudgesThem() {
        SplittableRandom random = new SplittableRandom(7);
        byte[] lead = HexFormat.of().parseHex("41c2c3dfe0e1eceded eef0f1f3f4f5ff80bf".replace(" ", ""));
        byte[] next = HexFormat.of().parseHex("808f909fa0bfc0");
        int wellFormed = 0;
        for (int n = 0; n < 200_000; n++) {
            byte[] bytes = new byte[random.nextInt(1, 9)];
            for (int i = 0; i < bytes.length; i++) { // lead and continuation bytes at the edges of their ranges
                bytes[i] = random.nextInt(3) == 0 ? lead[random.nextInt(lead.length)] : next[random.nextInt(next.length)];
            }
            boolean expected = jdkSaysWellFormed(bytes);
            wellFormed += expected ? 1 : 0;

            assertThat(Utf8Validation.isWellFormed(bytes, 0, bytes.length)).as(HexFormat.of().formatHex(bytes)).isEqualTo(expected);
        }
        assertThat(wellFormed).as("both kinds were tried").isBetween(1_000, 199_000);
    }

    @Test
    void onlyTheRangeIsJudged() {
        byte[] bytes = {(byte) 0xFF, 'a', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF};

        assertThat(Utf8Validation.isWellFormed(bytes, 1, 4)).isTrue();
        assertThat(Utf8Validation.isWellFormed(bytes, 1, 3)).isFalse();
    }

    private static boolean jdkSaysWellFormed(byte[] bytes) {
        try {
            CharBuffer ignored = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
