package io.batchpipeline.record;

import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(threeFields.readsAlike(raw)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1,a\"b\"c,3", "1,\"b\"x,3", "1, \"b\",3", "1,\"never closed,3", "1,2", "1,2,3,4", "1,\"2,3\""})
    void strayQuotesOrAnotherFieldCountDoNot(String raw) {
        assertThat(threeFields.readsAlike(raw)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1;2;3", "1;\"2;x\";3"})
    void theDelimiterIsTheLayouts(String raw) {
        assertThat(new CsvLayout(List.of("a", "b", "c"), ';', '"').readsAlike(raw)).isTrue();
        assertThat(threeFields.readsAlike(raw)).isFalse();
    }

    @Test
    void eachFieldIsHandedOnWithoutItsQuotes() {
        List<String> seen = new ArrayList<>();
        boolean alike = threeFields.readsAlike("1,\"two, \"\"2\"\"\",", (index, raw, start, end, quoted) ->
                seen.add(index + (quoted ? " quoted " : " ") + raw.substring(start, end)));
        assertThat(alike).isTrue();
        assertThat(seen).containsExactly("0 1", "1 quoted two, \"\"2\"\"", "2 ");
    }

    @Test
    void aFieldTheVisitorRefusesRefusesTheRecord() {
        assertThat(threeFields.readsAlike("1,x,3", (index, raw, start, end, quoted) -> !raw.substring(start, end).equals("x"))).isFalse();
        assertThat(threeFields.readsAlike("1,\"x\",3", (index, raw, start, end, quoted) -> !raw.substring(start, end).equals("x"))).isFalse();
        assertThat(threeFields.readsAlike("1,y,3", (index, raw, start, end, quoted) -> !raw.substring(start, end).equals("x"))).isTrue();
    }
}
