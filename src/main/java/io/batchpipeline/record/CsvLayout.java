package io.batchpipeline.record;

import java.util.List;

/**
 * How the raw text of CSV records is laid out: the field names of their header, the delimiter and the quote
 * character. Lets a sink hand the text on as it is (PostgreSQL's COPY reads CSV itself) instead of parsing it.
 * Two layouts are equal when their names are, so the files of one shape share what a sink derives from it.
 */
public record CsvLayout(List<String> names, char delimiter, char quote) {

    public CsvLayout {
        names = List.copyOf(names);
    }

    /**
     * Whether every CSV reader reads from {@code utf8} the same fields, one per name: each quote character opens a
     * field, is doubled inside a quoted field, or closes one right before a delimiter or the end. Readers differ on
     * anything else ({@code a"b"c} is one literal field to Commons CSV and {@code abc} to PostgreSQL). Read on the
     * record's UTF-8 bytes, so a record read as bytes is not decoded for it; false, at a cost in speed only, when the
     * delimiter or the quote is not ASCII.
     */
    public boolean readsAlike(byte[] utf8) {
        return readsAlike(utf8, null);
    }

    /** Receives the fields of a record as {@link #readsAlike} finds them. */
    @FunctionalInterface
    public interface FieldVisitor {

        /**
         * Field {@code index} (below the number of names) is {@code utf8[start, end)}, its quotes left out (a quoted
         * field may still hold doubled quotes); false refuses the record.
         */
        boolean field(int index, byte[] utf8, int start, int end, boolean quoted);
    }

    /**
     * {@link #readsAlike}, and each field is handed to {@code visitor} (when not null), which may refuse the record.
     * One loop with one call of the visitor: the JIT inlines the visitor's checks at every call site, and a second
     * site doubled the compiled method and its compile time, which on a short load costs more than the loop itself.
     */
    public boolean readsAlike(byte[] utf8, FieldVisitor visitor) {
        if (delimiter >= 0x80 || quote >= 0x80) {
            return false;
        }
        byte delimiter = (byte) this.delimiter;
        byte quote = (byte) this.quote;
        boolean anyQuote = indexOf(utf8, quote, 0, utf8.length) >= 0;
        int fields = 0;
        int start = 0;
        while (true) {
            boolean quoted = anyQuote && start < utf8.length && utf8[start] == quote;
            int end;
            int next; // the delimiter after the field, or the end of the record
            if (quoted) {
                end = closingQuote(utf8, quote, start + 1);
                if (end < 0) {
                    return false; // never closed
                }
                next = end + 1;
                if (next < utf8.length && utf8[next] != delimiter) {
                    return false; // text after the closing quote
                }
                start++;
            } else {
                int delimiterAt = indexOf(utf8, delimiter, start, utf8.length);
                end = delimiterAt < 0 ? utf8.length : delimiterAt;
                if (anyQuote && indexOf(utf8, quote, start, end) >= 0) {
                    return false; // a quote inside an unquoted field
                }
                next = end;
            }
            if (fields == names.size() || visitor != null && !visitor.field(fields, utf8, start, end, quoted)) {
                return false;
            }
            fields++;
            if (next >= utf8.length) {
                return fields == names.size();
            }
            start = next + 1;
        }
    }

    private static int indexOf(byte[] utf8, byte b, int from, int end) {
        for (int i = from; i < end; i++) {
            if (utf8[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the quote that closes a field opened before {@code from}, or -1; doubled quotes are skipped. */
    private static int closingQuote(byte[] utf8, byte quote, int from) {
        for (int i = indexOf(utf8, quote, from, utf8.length); i >= 0; i = indexOf(utf8, quote, i + 2, utf8.length)) {
            if (i + 1 >= utf8.length || utf8[i + 1] != quote) {
                return i;
            }
        }
        return -1;
    }
}
