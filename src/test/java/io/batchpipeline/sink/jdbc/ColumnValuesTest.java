package io.batchpipeline.sink.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ColumnValuesTest {

    @Test
    void aPlainDecimalIsReadAsBigDecimalReadsItScaleIncluded() {
        List<String> texts = List.of("0", "-0", "+5", "007", "1.", ".5", "-0.00", "123.45", "-123.45", "999999999999999999",
                "-999999999999999999", "0.00000000000000001", "12345678901234567.8");
        for (String text : texts) {
            assertThat(ColumnValues.plainDecimal(text)).as(text).isEqualTo(new BigDecimal(text));
        }
        SplittableRandom random = new SplittableRandom(3);
        for (int n = 0; n < 100_000; n++) {
            StringBuilder text = new StringBuilder(random.nextBoolean() ? "-" : "");
            int digits = random.nextInt(1, 19);
            int point = random.nextInt(-1, digits + 1);
            for (int i = 0; i < digits; i++) {
                text.append(i == point ? "." : "").append((char) ('0' + random.nextInt(10)));
            }
            assertThat(ColumnValues.plainDecimal(text.toString())).as(text.toString()).isEqualTo(new BigDecimal(text.toString()));
        }
    }

    @Test
    void anythingElseIsLeftToBigDecimal() {
        for (String text : List.of("", ".", "-", "1e2", "1.2.3", "1,5", " 1", "1 ", "--1", "0x10", "1234567890123456789", "١٢")) {
            assertThat(ColumnValues.plainDecimal(text)).as(text).isNull();
        }
    }
}
