package io.batchpipeline.sink.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Types;

import io.batchpipeline.jdbc.Column;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What passes through to COPY unconverted: plain values both readers take alike; anything else is converted. */
class FieldCheckTest {

    private static final FieldCheck BIGINT = FieldCheck.of(column(Types.BIGINT, "int8", 19, 0, true));
    private static final FieldCheck INTEGER_NOT_NULL = FieldCheck.of(column(Types.INTEGER, "int4", 10, 0, false));
    private static final FieldCheck AMOUNT = FieldCheck.of(column(Types.NUMERIC, "numeric", 6, 2, true));
    private static final FieldCheck DOUBLE = FieldCheck.of(column(Types.DOUBLE, "float8", 17, 0, true));
    private static final FieldCheck REAL = FieldCheck.of(column(Types.REAL, "float4", 8, 0, true));
    private static final FieldCheck BOOLEAN = FieldCheck.of(column(Types.BIT, "bool", 1, 0, true));
    private static final FieldCheck CODE = FieldCheck.of(column(Types.VARCHAR, "varchar", 3, 0, false));

    @ParameterizedTest
    @ValueSource(strings = {"0", "-7", "+7", "007", "999999999999999999"})
    void plainIntegersPass(String text) {
        assertThat(accepts(BIGINT, text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", " 7", "7 ", "1e3", "many", "-", "9999999999999999999", "0x10"})
    void integersWithAPointSpacesWordsOrTooManyDigitsAreConverted(String text) {
        assertThat(accepts(BIGINT, text)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1234.56", "-0.5", ".5", "12", "+3.1"})
    void decimalsWithinPrecisionAndScalePass(String text) {
        assertThat(accepts(AMOUNT, text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"12345.6", "1.005", "1.", "12.34 EUR", "1e2", "NaN", "1,5"})
    void decimalsThatWouldRoundOverflowOrAreNotPlainAreConverted(String text) {
        assertThat(accepts(AMOUNT, text)).isFalse();
    }

    @Test
    void floatsTakeAnExponentExceptFloat4() {
        assertThat(accepts(DOUBLE, "2.5e-3")).isTrue();
        assertThat(accepts(DOUBLE, "1E+10")).isTrue();
        assertThat(accepts(DOUBLE, "1e400")).isFalse();
        assertThat(accepts(DOUBLE, "Infinity")).isFalse();
        assertThat(accepts(REAL, "0.25")).isTrue();
        assertThat(accepts(REAL, "1e39")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "FALSE", "t", "F", "yes", "No", "y", "n", "1", "0"})
    void booleansBothReadersSpellAlikePass(String text) {
        assertThat(accepts(BOOLEAN, text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "off", "tru", "2", " true"})
    void otherBooleanSpellingsAreConverted(String text) {
        assertThat(accepts(BOOLEAN, text)).isFalse();
    }

    @Test
    void anUnquotedEmptyFieldPassesAsNullOnlyWhereTheColumnTakesNull() {
        assertThat(BIGINT.accepts(utf8(""), 0, 0, false)).isTrue();
        assertThat(INTEGER_NOT_NULL.accepts(utf8(""), 0, 0, false)).isFalse();
        // PostgreSQL reads "" as an empty string, which no number is; the converter reads NULL
        assertThat(BIGINT.accepts(utf8("\"\""), 1, 1, true)).isFalse();
    }

    @Test
    void textPassesWithinItsLengthLimitAndTextWithoutOneIsNotChecked() {
        assertThat(accepts(CODE, "abc")).isTrue();
        assertThat(accepts(CODE, "")).isTrue();
        assertThat(accepts(CODE, "abcd")).isFalse();
        assertThat(FieldCheck.of(column(Types.VARCHAR, "text", Integer.MAX_VALUE, 0, true))).isNull();
        assertThat(FieldCheck.of(column(Types.TIMESTAMP_WITH_TIMEZONE, "timestamptz", 35, 6, true))).isNull();
        assertThat(FieldCheck.of(column(Types.BIT, "bit", 1, 0, true))).as("a bit string, not a boolean").isNull();
    }

    @Test
    void onlyTheFieldsBoundsAreRead() {
        assertThat(BIGINT.accepts(utf8("x,42,y"), 2, 4, false)).isTrue();
        assertThat(BIGINT.accepts(utf8("x,\"42\",y"), 3, 5, true)).isTrue();
    }

    private static boolean accepts(FieldCheck check, String text) {
        byte[] utf8 = utf8(text);
        return check.accepts(utf8, 0, utf8.length, false);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Column column(int jdbcType, String typeName, int size, int scale, boolean nullable) {
        return new Column("c", "\"c\"", jdbcType, typeName, size, scale, nullable, false);
    }
}
