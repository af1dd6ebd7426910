package io.batchpipeline.sink.jdbc;

import java.sql.Types;

import io.batchpipeline.jdbc.Column;

/**
 * A quick look at a CSV field's text before it passes through to COPY: true when PostgreSQL and the converter
 * surely read it alike and accept it (a plain number within the column's range and scale, a boolean both spell the
 * same way, text within a length limit). False sends the record the converting way, which decides with its own
 * rules and dead-letters what it refuses, as with pass-through off; so a false alarm costs speed only. Without this, a
 * batch holding one bad value was refused by PostgreSQL and converted whole: a stream with a bad record in most
 * batches lost pass-through altogether.
 *
 * <p>Written by hand: it only classifies the characters of the field's text, without building a value.
 */
final class FieldCheck {

    private enum Kind { INTEGER, DECIMAL, FLOAT, BOOLEAN, TEXT }

    /** At most this many digits in a float's text: keeps it clear of both readers' overflow and underflow. */
    private static final int FLOAT_DIGITS = 30;
    /** For an unconstrained numeric: far within PostgreSQL's limits, and rarer than that in data. */
    private static final int UNCONSTRAINED_DIGITS = 1000;

    private final Kind kind;
    private final boolean nullable;
    /** Digits before the point, or for text the length. */
    private final int limit;
    private final int fractionDigits;
    private final boolean exponent;

    private FieldCheck(Kind kind, boolean nullable, int limit, int fractionDigits, boolean exponent) {
        this.kind = kind;
        this.nullable = nullable;
        this.limit = limit;
        this.fractionDigits = fractionDigits;
        this.exponent = exponent;
    }

    /** The check for a column, or null when its values are left to PostgreSQL (a refused batch is converted). */
    static FieldCheck of(Column column) {
        boolean nullable = column.nullable();
        return switch (column.jdbcType()) {
            case Types.BIGINT -> new FieldCheck(Kind.INTEGER, nullable, 18, 0, false);
            case Types.INTEGER -> new FieldCheck(Kind.INTEGER, nullable, 9, 0, false);
            case Types.SMALLINT -> new FieldCheck(Kind.INTEGER, nullable, 4, 0, false);
            case Types.TINYINT -> new FieldCheck(Kind.INTEGER, nullable, 2, 0, false);
            case Types.NUMERIC, Types.DECIMAL -> column.size() <= 0 || column.size() >= 1000
                    ? new FieldCheck(Kind.DECIMAL, nullable, UNCONSTRAINED_DIGITS, UNCONSTRAINED_DIGITS, false)
                    // no more fraction digits than the scale: neither reader rounds
                    : new FieldCheck(Kind.DECIMAL, nullable, column.size() - Math.max(column.scale(), 0), Math.max(column.scale(), 0), false);
            // float4 gets no exponent: within FLOAT_DIGITS plain digits it neither overflows nor underflows
            case Types.REAL -> new FieldCheck(Kind.FLOAT, nullable, FLOAT_DIGITS, FLOAT_DIGITS, false);
            case Types.FLOAT, Types.DOUBLE -> new FieldCheck(Kind.FLOAT, nullable, FLOAT_DIGITS, FLOAT_DIGITS, true);
            // PostgreSQL's driver calls boolean BIT too, and its bit strings as well: those are left alone
            case Types.BOOLEAN, Types.BIT -> column.typeName().equalsIgnoreCase("bool") || column.typeName().equalsIgnoreCase("boolean")
                    ? new FieldCheck(Kind.BOOLEAN, nullable, 0, 0, false) : null;
            case Types.CHAR, Types.VARCHAR, Types.NCHAR, Types.NVARCHAR -> column.size() > 0 && column.size() < Integer.MAX_VALUE
                    ? new FieldCheck(Kind.TEXT, nullable, column.size(), 0, false) : null;
            default -> null;
        };
    }

    /** Whether {@code utf8[start, end)}, the field's text without its quotes, surely goes through alike. */
    boolean accepts(byte[] utf8, int start, int end, boolean quoted) {
        if (kind == Kind.TEXT) {
            // a field's bytes are at least its code points: within the limit, the value is too
            return end - start <= limit;
        }
        if (start == end) {
            // unquoted empty is NULL to both; quoted, PostgreSQL reads an empty string, the converter NULL
            return !quoted && nullable;
        }
        return switch (kind) {
            case BOOLEAN -> isBoolean(utf8, start, end);
            default -> isNumber(utf8, start, end);
        };
    }

    /** The spellings both read, in any case. */
    private static final String[] BOOLEANS = {"true", "t", "yes", "y", "1", "false", "f", "no", "n", "0"};

    private static boolean isBoolean(byte[] utf8, int start, int end) {
        for (String word : BOOLEANS) {
            if (word.length() == end - start && equalsIgnoringCase(utf8, start, word)) {
                return true;
            }
        }
        return false;
    }

    /** ASCII only: a byte of a longer UTF-8 character is negative and matches no letter. */
    private static boolean equalsIgnoringCase(byte[] utf8, int start, String word) {
        for (int i = 0; i < word.length(); i++) {
            int c = utf8[start + i];
            if ((c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** A sign, digits, for decimals and floats a point and digits, for floats an exponent: no spaces, no words. */
    private boolean isNumber(byte[] utf8, int start, int end) {
        int i = start;
        if (utf8[i] == '-' || utf8[i] == '+') {
            i++;
        }
        int integer = digits(utf8, i, end);
        i += integer;
        int fraction = 0;
        if (i < end && utf8[i] == '.' && kind != Kind.INTEGER) {
            fraction = digits(utf8, i + 1, end);
            if (fraction == 0) {
                return false;
            }
            i += 1 + fraction;
        }
        if (integer + fraction == 0 || integer > limit || fraction > fractionDigits
                || kind == Kind.FLOAT && integer + fraction > FLOAT_DIGITS) {
            return false;
        }
        if (i < end && exponent && (utf8[i] == 'e' || utf8[i] == 'E')) {
            i++;
            if (i < end && (utf8[i] == '-' || utf8[i] == '+')) {
                i++;
            }
            int power = digits(utf8, i, end);
            if (power == 0 || power > 2) {
                return false;
            }
            i += power;
        }
        return i == end;
    }

    private static int digits(byte[] utf8, int from, int end) {
        int i = from;
        while (i < end && utf8[i] >= '0' && utf8[i] <= '9') {
            i++;
        }
        return i - from;
    }
}
