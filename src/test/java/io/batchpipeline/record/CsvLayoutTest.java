package io.batchpipeline.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which CSV text every reader reads the same: what may pass through to another reader unparsed. */
class CsvLayoutTest {

    private final CsvLayout threeFields = new CsvLayout(List.of("a", "b", "c"), ',', '"');

    @ParameterizedTest
    @ValueSource(strings = {"1,2,3", ",,", "\"1\",2,3", "1,\"two, with a comma\",3", "1,\"say \"\"hi\"\"\",3", "1,\"\",", "\"a\nb\",2,\"\"\"\""})
    void quotesThatOpenCloseOrAreDoubledReadAlike(String raw) {
        assertThat(threeFields.readsAlike(utf8(raw))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1,a\"b\"c,3", "1,\"b\"x,3", "1, \"b\",3", "1,\"never closed,3", "1,2", "1,2,3,4", "1,\"2,3\""})
    void strayQuotesOrAnotherFieldCountDoNot(String raw) {
        assertThat(threeFields.readsAlike(utf8(raw))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1;2;3", "1;\"2;x\";3"})
    void theDelimiterIsTheLayouts(String raw) {
        assertThat(new CsvLayout(List.of("a", "b", "c"), ';', '"').readsAlike(utf8(raw))).isTrue();
        assertThat(threeFields.readsAlike(utf8(raw))).isFalse();
    }

    @Test
    void eachFieldIsHandedOnWithoutItsQuotes() {
        List<String> seen = new ArrayList<>();
        boolean alike = threeFields.readsAlike(utf8("1,\"two, \"\"2\"\"\","), (index, raw, start, end, quoted) ->
                seen.add(index + (quoted ? " quoted " : " ") + text(raw, start, end)));
        assertThat(alike).isTrue();
        assertThat(seen).containsExactly("0 1", "1 quoted two, \"\"2\"\"", "2 ");
    }

    @Test
    void aFieldTheVisitorRefusesRefusesTheRecord() {
        assertThat(threeFields.readsAlike(utf8("1,x,3"), (index, raw, start, end, quoted) -> !text(raw, start, end).equals("x"))).isFalse();
        assertThat(threeFields.readsAlike(utf8("1,\"x\",3"), (index, raw, start, end, quoted) -> !text(raw, start, end).equals("x"))).isFalse();
        assertThat(threeFields.readsAlike(utf8("1,y,3"), (index, raw, start, end, quoted) -> !text(raw, start, end).equals("x"))).isTrue();
    }

    @Test
    void fieldsAreFoundInUtf8ByTheirAsciiDelimitersAndQuotes() {
        List<String> seen = new ArrayList<>();
        assertThat(threeFields.readsAlike(utf8("Zoë,\"李, \"\"雷\"\"\",🚀"), (index, raw, start, end, quoted) -> seen.add(text(raw, start, end)))).isTrue();
        assertThat(seen).containsExactly("Zoë", "李, \"\"雷\"\"", "🚀");
    }

    @Test
    void aDelimiterOrQuoteBeyondAsciiIsNeverTakenAsReadAlike() {
        assertThat(new CsvLayout(List.of("a", "b"), '§', '"').readsAlike(utf8("1§2"))).isFalse();
        assertThat(new CsvLayout(List.of("a", "b"), ',', '«').readsAlike(utf8("1,2"))).isFalse();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] utf8, int start, int end) {
        return new String(utf8, start, end - start, StandardCharsets.UTF_8);
    }
}
