package io.batchpipeline.sink.jdbc;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

import io.batchpipeline.batching.Row;

/**
 * Rows in PostgreSQL's COPY text format: tab-separated, {@code \N} for NULL, and backslash escapes for
 * backslash, tab, line feed and carriage return; everything else, unicode included, goes as it is. Hand-
 * written because pgjdbc streams COPY bytes but does not encode values; the format is small and fixed
 * (see PostgreSQL's COPY documentation, "Text Format").
 */
final class CopyText {

    /** Microseconds, PostgreSQL's precision; the offset always written, so the value is an instant. */
    private static final DateTimeFormatter ZONED = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSSxxx");
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS");

    private CopyText() {
    }

    static String encode(List<Row> rows, int[] indexes) {
        StringBuilder out = new StringBuilder(rows.size() * 16 * Math.max(1, indexes.length));
        for (Row row : rows) {
            Object[] values = (Object[]) row.data();
            for (int i = 0; i < indexes.length; i++) {
                if (i > 0) {
                    out.append('\t');
                }
                append(out, values[indexes[i]]);
            }
            out.append('\n');
        }
        return out.toString();
    }

    static void append(StringBuilder out, Object value) {
        if (value == null || value == JdbcBatchSink.ABSENT) {
            out.append("\\N");
        } else if (value instanceof String text) {
            appendEscaped(out, text);
        } else if (value instanceof Boolean b) {
            out.append(b ? 't' : 'f');
        } else if (value instanceof BigDecimal d) {
            out.append(d.toPlainString());
        } else if (value instanceof OffsetDateTime t) {
            out.append(ZONED.format(roundToMicros(t)));
        } else if (value instanceof LocalDateTime t) {
            out.append(LOCAL.format(t.plusNanos(500).truncatedTo(ChronoUnit.MICROS)));
        } else if (value instanceof LocalTime t) {
            out.append(TIME.format(t.plusNanos(500).truncatedTo(ChronoUnit.MICROS)));
        } else if (value instanceof Number || value instanceof java.time.LocalDate) {
            out.append(value);
        } else {
            appendEscaped(out, value.toString());
        }
    }

    private static OffsetDateTime roundToMicros(OffsetDateTime t) {
        return t.plusNanos(500).truncatedTo(ChronoUnit.MICROS);
    }

    private static void appendEscaped(StringBuilder out, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
    }
}
