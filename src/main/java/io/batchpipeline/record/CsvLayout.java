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
     * Whether every CSV reader reads from {@code raw} the same fields, one per name: each quote character opens a
     * field, is doubled inside a quoted field, or closes one right before a delimiter or the end. Readers differ on
     * anything else ({@code a"b"c} is one literal field to Commons CSV and {@code abc} to PostgreSQL).
     */
    public boolean readsAlike(String raw) {
        return readsAlike(raw, null);
    }

    /** Receives the fields of a record as {@link #readsAlike} finds them. */
    @FunctionalInterface
    public interface FieldVisitor {

        /**
         * Field {@code index} (below the number of names) is {@code raw[start, end)}, its quotes left out (a quoted
         * field may still hold doubled quotes); false refuses the record.
         */
        boolean field(int index, String raw, int start, int end, boolean quoted);
    }

    /**
     * {@link #readsAlike}, and each field is handed to {@code visitor} (when not null), which may refuse the record.
     * One loop with one call of the visitor: the JIT inlines the visitor's checks at every call site, and a second
     * site doubled the compiled method and its compile time, which on a short load costs more than the loop itself.
     */
    public boolean readsAlike(String raw, FieldVisitor visitor) {
        boolean anyQuote = raw.indexOf(quote) >= 0;
        int fields = 0;
        int start = 0;
        while (true) {
            boolean quoted = anyQuote && start < raw.length() && raw.charAt(start) == quote;
            int end;
            int next; // the delimiter after the field, or the end of the record
            if (quoted) {
                end = closingQuote(raw, start + 1);
                if (end < 0) {
                    return false; // never closed
                }
                next = end + 1;
                if (next < raw.length() && raw.charAt(next) != delimiter) {
                    return false; // text after the closing quote
                }
                start++;
            } else {
                int delimiterAt = raw.indexOf(delimiter, start);
                end = delimiterAt < 0 ? raw.length() : delimiterAt;
                if (anyQuote && holdsQuote(raw, start, end)) {
                    return false; // a quote inside an unquoted field
                }
                next = end;
            }
            if (fields == names.size() || visitor != null && !visitor.field(fields, raw, start, end, quoted)) {
                return false;
            }
            fields++;
            if (next >= raw.length()) {
                return fields == names.size();
            }
            start = next + 1;
        }
    }

    private boolean holdsQuote(String raw, int start, int end) {
        for (int i = start; i < end; i++) {
            if (raw.charAt(i) == quote) {
                return true;
            }
        }
        return false;
    }

    /** The index of the quote that closes a field opened before {@code from}, or -1; doubled quotes are skipped. */
    private int closingQuote(String raw, int from) {
        for (int i = raw.indexOf(quote, from); i >= 0; i = raw.indexOf(quote, i + 2)) {
            if (i + 1 >= raw.length() || raw.charAt(i + 1) != quote) {
                return i;
            }
        }
        return -1;
    }
}
