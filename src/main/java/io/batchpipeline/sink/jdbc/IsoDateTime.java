package io.batchpipeline.sink.jdbc;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;

/**
 * Parses ISO-8601 date-times as they appear in data files: {@code 2026-03-01T12:34:56.789+02:00}, with a
 * space instead of 'T', seconds and fraction optional, and an offset ('Z', ±HH:MM, ±HHMM, ±HH) optional.
 *
 * <p>The canonical layout is read directly, with the JDK's factories validating every field: a
 * {@link DateTimeFormatter} with optional sections copies its parse state for each of them, which made it the
 * largest cost of converting a record. Anything else goes to such a formatter, which also words the errors.
 */
final class IsoDateTime {

    private static final DateTimeFormatter FLEXIBLE = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHmm", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .toFormatter(Locale.ROOT);

    /** A local date-time and its offset, which is null when the text has none. */
    record Parsed(LocalDateTime local, ZoneOffset offset) {
    }

    private IsoDateTime() {
    }

    static Parsed parse(String text) {
        Parsed fast = parseCanonical(text);
        if (fast != null) {
            return fast;
        }
        TemporalAccessor parsed = FLEXIBLE.parse(text);
        return new Parsed(LocalDateTime.from(parsed), parsed.isSupported(ChronoField.OFFSET_SECONDS) ? ZoneOffset.from(parsed) : null);
    }

    /** yyyy-MM-dd[T ]HH:mm[:ss[.f{1,9}]][Z|±HH[:]MM|±HH], or null for anything else. */
    private static Parsed parseCanonical(String s) {
        int n = s.length();
        if (n < 16 || s.charAt(4) != '-' || s.charAt(7) != '-' || (s.charAt(10) != 'T' && s.charAt(10) != ' ') || s.charAt(13) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = 0;
        int nanos = 0;
        int i = 16;
        if (i < n && s.charAt(i) == ':') {
            second = digits(s, 17, 2);
            i = 19;
            if (i < n && s.charAt(i) == '.') {
                int start = ++i;
                while (i < n && i - start < 9 && Character.isDigit(s.charAt(i))) {
                    nanos = nanos * 10 + (s.charAt(i) - '0');
                    i++;
                }
                if (i == start) {
                    return null;
                }
                for (int k = i - start; k < 9; k++) {
                    nanos *= 10;
                }
            }
        }
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        ZoneOffset offset = null;
        if (i < n) {
            char sign = s.charAt(i);
            if ((sign == 'Z' || sign == 'z') && i + 1 == n) {
                offset = ZoneOffset.UTC;
            } else if (sign == '+' || sign == '-') {
                String rest = s.substring(i + 1);
                int hours;
                int minutes = 0;
                if (rest.length() == 2) {
                    hours = digits(rest, 0, 2);
                } else if (rest.length() == 5 && rest.charAt(2) == ':') {
                    hours = digits(rest, 0, 2);
                    minutes = digits(rest, 3, 2);
                } else if (rest.length() == 4) {
                    hours = digits(rest, 0, 2);
                    minutes = digits(rest, 2, 2);
                } else {
                    return null;
                }
                if ((hours | minutes) < 0) {
                    return null;
                }
                offset = offset(sign == '+' ? 1 : -1, hours, minutes);
            } else {
                return null;
            }
        }
        try {
            return new Parsed(LocalDateTime.of(year, month, day, hour, minute, second, nanos), offset);
        } catch (java.time.DateTimeException e) {
            throw new DateTimeParseException("Text '" + s + "' could not be parsed: " + e.getMessage(), s, 0, e);
        }
    }

    /** Offsets on the quarter hour, as nearly all are: ZoneOffset's own cache sits behind a validation and a map lookup. */
    private static final ZoneOffset[] QUARTER_HOURS = new ZoneOffset[18 * 4 * 2 + 1];

    static {
        for (int q = -18 * 4; q <= 18 * 4; q++) {
            QUARTER_HOURS[q + 18 * 4] = ZoneOffset.ofTotalSeconds(q * 15 * 60);
        }
    }

    private static ZoneOffset offset(int sign, int hours, int minutes) {
        if (minutes % 15 == 0 && hours <= 18 && minutes < 60) {
            return QUARTER_HOURS[sign * (hours * 4 + minutes / 15) + 18 * 4];
        }
        return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
    }

    /** The decimal number in s[from, from + count), or -1 if any character is not a digit. */
    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    static OffsetDateTime toOffsetDateTime(Parsed parsed) {
        return parsed.local().atOffset(parsed.offset() != null ? parsed.offset() : ZoneOffset.UTC);
    }
}
