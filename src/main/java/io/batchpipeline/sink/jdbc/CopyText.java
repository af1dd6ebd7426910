package io.batchpipeline.sink.jdbc;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;

import io.batchpipeline.batching.Row;

/**
 * Rows in PostgreSQL's COPY text format, as UTF-8 bytes: tab-separated, {@code \N} for NULL, and backslash
 * escapes for backslash, tab, line feed and carriage return; everything else, unicode included, goes as it is
 * (see PostgreSQL's COPY documentation, "Text Format").
 *
 * <p>Hand-written because pgjdbc streams COPY bytes but does not encode values, and because this is on the
 * per-value path: building a String and encoding it afterwards cost a third of a writer's time.
 */
final class CopyText {

    private byte[] bytes;
    private int length;

    private CopyText(int capacity) {
        bytes = new byte[capacity];
    }

    /** The rows' values at {@code indexes}, one line per row. */
    static CopyText encode(List<Row> rows, int[] indexes) {
        int capacity = 64;
        for (Row row : rows) {
            capacity += row.origin().raw().length() + 2 * indexes.length; // the source text is a good estimate
        }
        CopyText out = new CopyText(capacity + capacity / 4);
        for (Row row : rows) {
            Object[] values = (Object[]) row.data();
            for (int i = 0; i < indexes.length; i++) {
                if (i > 0) {
                    out.put((byte) '\t');
                }
                out.value(values[indexes[i]]);
            }
            out.put((byte) '\n');
        }
        return out;
    }

    byte[] bytes() {
        return bytes;
    }

    int length() {
        return length;
    }

    private void value(Object value) {
        if (value == null || value == JdbcBatchSink.ABSENT) {
            ascii("\\N");
        } else if (value instanceof String text) {
            escaped(text);
        } else if (value instanceof Boolean b) {
            put((byte) (b ? 't' : 'f'));
        } else if (value instanceof BigDecimal d) {
            ascii(d.toPlainString());
        } else if (value instanceof OffsetDateTime t) {
            // ISO-8601, which PostgreSQL reads, rounded as pgjdbc rounds to PostgreSQL's microseconds
            ascii((t.getNano() % 1000 == 0 ? t : t.plusNanos(500).truncatedTo(ChronoUnit.MICROS)).toString());
        } else if (value instanceof LocalDateTime t) {
            ascii((t.getNano() % 1000 == 0 ? t : t.plusNanos(500).truncatedTo(ChronoUnit.MICROS)).toString());
        } else if (value instanceof LocalTime t) {
            ascii((t.getNano() % 1000 == 0 ? t : t.plusNanos(500).truncatedTo(ChronoUnit.MICROS)).toString());
        } else if (value instanceof Number || value instanceof java.time.LocalDate) {
            ascii(value.toString());
        } else {
            escaped(value.toString());
        }
    }

    /** Text known to be ASCII without special characters: numbers, dates. */
    private void ascii(String text) {
        ensure(text.length());
        for (int i = 0; i < text.length(); i++) {
            bytes[length++] = (byte) text.charAt(i);
        }
    }

    private void escaped(String text) {
        ensure(text.length() * 3);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                switch (c) {
                    case '\\' -> pair('\\');
                    case '\t' -> pair('t');
                    case '\n' -> pair('n');
                    case '\r' -> pair('r');
                    default -> bytes[length++] = (byte) c;
                }
            } else if (c < 0x800) {
                bytes[length++] = (byte) (0xC0 | c >> 6);
                bytes[length++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                bytes[length++] = (byte) (0xF0 | cp >> 18);
                bytes[length++] = (byte) (0x80 | cp >> 12 & 0x3F);
                bytes[length++] = (byte) (0x80 | cp >> 6 & 0x3F);
                bytes[length++] = (byte) (0x80 | cp & 0x3F);
            } else if (Character.isSurrogate(c)) {
                bytes[length++] = '?'; // an unpaired surrogate has no UTF-8 form; String.getBytes writes '?' too
            } else {
                bytes[length++] = (byte) (0xE0 | c >> 12);
                bytes[length++] = (byte) (0x80 | c >> 6 & 0x3F);
                bytes[length++] = (byte) (0x80 | c & 0x3F);
            }
        }
    }

    private void pair(char escape) {
        bytes[length++] = '\\';
        bytes[length++] = (byte) escape;
    }

    private void put(byte b) {
        ensure(1);
        bytes[length++] = b;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
