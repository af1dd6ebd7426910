package io.batchpipeline.sink.jdbc;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.sql.Types;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

import io.batchpipeline.jdbc.Column;
import io.batchpipeline.record.NumberText;

/**
 * Converts a source value (text from CSV, or a JSON scalar) to the Java type JDBC expects for a column's
 * SQL type, so that a bad value rejects one record up front instead of failing a whole batch in the
 * database. Empty text is NULL for every non-text column; text columns keep the empty string.
 */
final class ColumnValues {

    private ColumnValues() {
    }

    /** @throws IllegalArgumentException with a message fit for the dead-letter file */
    static Object convert(Column column, Object value) {
        if (value == null) {
            return requireNullable(column);
        }
        if (value instanceof String text && text.isEmpty() && !isText(column.jdbcType())) {
            return requireNullable(column);
        }
        try {
            return switch (column.jdbcType()) {
                case Types.BIGINT -> toBigDecimal(value).longValueExact();
                case Types.INTEGER, Types.SMALLINT, Types.TINYINT -> toBigDecimal(value).intValueExact();
                case Types.NUMERIC, Types.DECIMAL -> toDecimal(column, toBigDecimal(value));
                case Types.REAL, Types.FLOAT, Types.DOUBLE -> value instanceof Number n ? n.doubleValue() : Double.parseDouble(text(value));
                case Types.BOOLEAN, Types.BIT -> toBoolean(value);
                case Types.DATE -> date(text(value));
                case Types.TIME -> LocalTime.parse(text(value));
                case Types.TIMESTAMP -> toLocalDateTime(text(value));
                case Types.TIMESTAMP_WITH_TIMEZONE -> toOffsetDateTime(text(value));
                case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                        Types.CLOB, Types.NCLOB -> toText(column, value);
                default -> value instanceof String ? value : String.valueOf(value);
            };
        } catch (ArithmeticException | NumberFormatException | DateTimeException e) {
            throw new IllegalArgumentException("column " + column.name() + " (" + column.typeName() + "): cannot convert '"
                    + value + "': " + e.getMessage());
        }
    }

    private static Object requireNullable(Column column) {
        if (!column.nullable()) {
            throw new IllegalArgumentException("column " + column.name() + " is NOT NULL but the record has no value for it");
        }
        return null;
    }

    /** A text type: an empty value stays the empty string. */
    static boolean isText(int jdbcType) {
        return switch (jdbcType) {
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR,
                    Types.CLOB, Types.NCLOB -> true;
            default -> false;
        };
    }

    private static String text(Object value) {
        return value.toString().trim();
    }

    /** PostgreSQL's limits for an unconstrained numeric, the largest the supported databases take. */
    private static final int MAX_INTEGER_DIGITS = 131_072;
    private static final int MAX_FRACTION_DIGITS = 16_383;

    private static BigDecimal toBigDecimal(Object value) {
        if (value instanceof BigDecimal d) {
            return d;
        }
        if (value instanceof Long || value instanceof Integer) {
            return BigDecimal.valueOf(((Number) value).longValue());
        }
        if (value instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (value instanceof NumberText number) {
            return number.decimalValue();
        }
        String text = text(value);
        BigDecimal plain = plainDecimal(text);
        return plain != null ? plain : new BigDecimal(text);
    }

    /**
     * Text such as {@code -123.45} with at most 18 digits, the common case, read without BigDecimal's general parser
     * (exponents and all), which was a tenth of a writer's time on JSON records whose numbers are strings; null for
     * anything else, which that parser reads or refuses. Gives what {@code new BigDecimal(text)} gives, scale included.
     */
    static BigDecimal plainDecimal(String text) {
        int length = text.length();
        if (length == 0 || length > 20) {
            return null;
        }
        int i = text.charAt(0) == '-' || text.charAt(0) == '+' ? 1 : 0;
        long unscaled = 0;
        int digits = 0;
        int scale = -1;
        for (; i < length; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                unscaled = unscaled * 10 + (c - '0');
                digits++;
                if (scale >= 0) {
                    scale++;
                }
            } else if (c == '.' && scale < 0) {
                scale = 0;
            } else {
                return null;
            }
        }
        if (digits == 0 || digits > 18) {
            return null;
        }
        return BigDecimal.valueOf(text.charAt(0) == '-' ? -unscaled : unscaled, Math.max(scale, 0));
    }

    private static BigDecimal toDecimal(Column column, BigDecimal value) {
        // decided before any arithmetic: rounding or printing 1e100000000 would take minutes
        long integerDigits = (long) value.precision() - value.scale();
        if (column.size() <= 0 || column.size() >= 1000) { // unconstrained numeric
            if (integerDigits > MAX_INTEGER_DIGITS || value.scale() > MAX_FRACTION_DIGITS) {
                throw new ArithmeticException("value is outside numeric's range (" + MAX_INTEGER_DIGITS + " digits before the point, "
                        + MAX_FRACTION_DIGITS + " after)");
            }
            return value;
        }
        if (integerDigits > column.size() - column.scale()) {
            throw new ArithmeticException("value exceeds precision " + column.size() + ", scale " + column.scale());
        }
        // round to the column's scale as the database would, then refuse what would overflow its precision
        BigDecimal rounded = value.setScale(Math.max(column.scale(), 0), RoundingMode.HALF_UP);
        if (rounded.precision() - rounded.scale() > column.size() - column.scale()) {
            throw new ArithmeticException("value exceeds precision " + column.size() + ", scale " + column.scale());
        }
        return rounded;
    }

    private static Boolean toBoolean(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        return switch (text(value).toLowerCase(Locale.ROOT)) {
            case "true", "t", "yes", "y", "1" -> Boolean.TRUE;
            case "false", "f", "no", "n", "0" -> Boolean.FALSE;
            default -> throw new NumberFormatException("not a boolean (use true/false, t/f, yes/no, 1/0)");
        };
    }

    private static LocalDateTime toLocalDateTime(String text) {
        IsoDateTime.Parsed parsed = IsoDateTime.parse(text);
        year(parsed.local().getYear(), null);
        // a zoned value into a zone-less column: store it as UTC
        return parsed.offset() == null ? parsed.local()
                : parsed.local().atOffset(parsed.offset()).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
    }

    /** A value without an offset is taken as UTC. */
    private static OffsetDateTime toOffsetDateTime(String text) {
        IsoDateTime.Parsed parsed = IsoDateTime.parse(text);
        year(parsed.local().getYear(), null);
        return IsoDateTime.toOffsetDateTime(parsed);
    }

    private static LocalDate date(String text) {
        LocalDate date = LocalDate.parse(text);
        return year(date.getYear(), date);
    }

    /** Years 1 to 9999 only: beyond them the databases disagree on how to write and read the value. */
    private static <T> T year(int year, T value) {
        if (year < 1 || year > 9999) {
            throw new ArithmeticException("year " + year + " is outside 1-9999");
        }
        return value;
    }

    private static String toText(Column column, Object value) {
        String text = value.toString();
        if (column.size() > 0 && column.size() < Integer.MAX_VALUE && text.codePointCount(0, text.length()) > column.size()) {
            throw new IllegalArgumentException("column " + column.name() + " (" + column.typeName() + "(" + column.size()
                    + ")): value of " + text.codePointCount(0, text.length()) + " characters is too long");
        }
        return text;
    }
}
