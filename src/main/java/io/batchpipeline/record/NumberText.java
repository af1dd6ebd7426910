package io.batchpipeline.record;

import java.math.BigDecimal;

/**
 * A number read from text that Java's number types would print differently ({@code -0}, {@code 1e2},
 * {@code 1.0E+2}): a file or a text column gets its text as it was read, a numeric column its value.
 * Numbers that print as they were read stay plain {@code Long}, {@code BigInteger} or {@code BigDecimal}.
 */
public final class NumberText extends Number {

    private final String text;
    private final transient BigDecimal value;

    public NumberText(String text, BigDecimal value) {
        this.text = text;
        this.value = value;
    }

    public BigDecimal decimalValue() {
        return value;
    }

    @Override
    public int intValue() {
        return value.intValue();
    }

    @Override
    public long longValue() {
        return value.longValue();
    }

    @Override
    public float floatValue() {
        return value.floatValue();
    }

    @Override
    public double doubleValue() {
        return value.doubleValue();
    }

    /** The number as it was written in its source. */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NumberText number && number.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
