package io.batchpipeline.sink.jdbc;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;

import io.batchpipeline.record.Row;

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
    static CopyText encode(List<Row<Object[]>> rows, int[] indexes) {
        int capacity = 64;
        for (Row<Object[]> row : rows) {
            capacity += row.origin().text().size() + 2 * indexes.length; // the source text is a good estimate
        }
        CopyText out = new CopyText(capacity + capacity / 4);
        for (Row<Object[]> row : rows) {
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
        if (value == null || value == TableRows.ABSENT) {
            ascii("\\N");
        } else if (value instanceof String text) {
            escaped(text);
        } else if (value instanceof Boolean b) {
            put((byte) (b ? 't' : 'f'));
        } else if (value instanceof BigDecimal d) {
            ascii(d.toPlainString());
        } else if (value instanceof Long || value instanceof Integer) {
            integer(((Number) value).longValue());
        } else if (value instanceof OffsetDateTime t) {
            OffsetDateTime micros = t.getNano() % 1000 == 0 ? t : t.plusNanos(500).truncatedTo(ChronoUnit.MICROS);
            dateTime(micros.toLocalDateTime());
            offset(micros.getOffset().getTotalSeconds());
        } else if (value instanceof LocalDateTime t) {
            dateTime(t.getNano() % 1000 == 0 ? t : t.plusNanos(500).truncatedTo(ChronoUnit.MICROS));
        } else if (value instanceof LocalTime t) {
            time(t.getNano() % 1000 == 0 ? t : t.plusNanos(500).truncatedTo(ChronoUnit.MICROS));
        } else if (value instanceof LocalDate d) {
            date(d);
        } else if (value instanceof Number) {
            ascii(value.toString());
        } else {
            escaped(value.toString());
        }
    }

    /** yyyy-MM-dd HH:mm:ss[.ffffff], the value already rounded to microseconds. */
    private void dateTime(LocalDateTime t) {
        date(t.toLocalDate());
        put((byte) ' ');
        time(t.toLocalTime());
    }

    private void date(LocalDate d) {
        if (d.getYear() < 1 || d.getYear() > 9999) {
            ascii(d.toString()); // ColumnValues refuses such years; kept correct all the same
            return;
        }
        ensure(10);
        digits(d.getYear(), 4);
        bytes[length++] = '-';
        digits(d.getMonthValue(), 2);
        bytes[length++] = '-';
        digits(d.getDayOfMonth(), 2);
    }

    private void time(LocalTime t) {
        ensure(15);
        digits(t.getHour(), 2);
        bytes[length++] = ':';
        digits(t.getMinute(), 2);
        bytes[length++] = ':';
        digits(t.getSecond(), 2);
        if (t.getNano() != 0) {
            bytes[length++] = '.';
            digits(t.getNano() / 1000, 6);
        }
    }

    /** +HH:MM[:SS] */
    private void offset(int totalSeconds) {
        ensure(9);
        int abs = Math.abs(totalSeconds);
        bytes[length++] = (byte) (totalSeconds < 0 ? '-' : '+');
        digits(abs / 3600, 2);
        bytes[length++] = ':';
        digits(abs / 60 % 60, 2);
        if (abs % 60 != 0) {
            bytes[length++] = ':';
            digits(abs % 60, 2);
        }
    }

    /** Exactly {@code count} decimal digits, zero-padded; the caller has ensured the room. */
    private void digits(long value, int count) {
        for (int i = length + count - 1; i >= length; i--) {
            bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        length += count;
    }

    private void integer(long value) {
        if (value == Long.MIN_VALUE) {
            ascii(Long.toString(value));
            return;
        }
        ensure(20);
        if (value < 0) {
            bytes[length++] = '-';
            value = -value;
        }
        int count = 1;
        for (long v = value; v >= 10; v /= 10) {
            count++;
        }
        digits(value, count);
    }

    /** Text known to be ASCII without special characters: numbers, dates. */
    private void ascii(String text) {
        ensure(text.length());
        for (int i = 0; i < text.length(); i++) {
            bytes[length++] = (byte) text.charAt(i);
        }
    }

    private void escaped(String text) {
        if (text.indexOf('\\') < 0 && text.indexOf('\t') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            // nothing to escape: the JDK's own (vectorised) encoder and a bulk copy
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            ensure(utf8.length);
            System.arraycopy(utf8, 0, bytes, length, utf8.length);
            length += utf8.length;
            return;
        }
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
