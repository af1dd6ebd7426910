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
        int fields = 1;
        if (raw.indexOf(quote) < 0) {
            for (int i = raw.indexOf(delimiter); i >= 0; i = raw.indexOf(delimiter, i + 1)) {
                fields++;
            }
            return fields == names.size();
        }
        boolean fieldStart = true;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == delimiter) {
                fields++;
                fieldStart = true;
            } else if (c == quote) {
                if (!fieldStart) {
                    return false; // a quote inside an unquoted field
                }
                int close = closingQuote(raw, i + 1);
                if (close < 0) {
                    return false; // never closed
                }
                i = close;
                if (i + 1 < raw.length() && raw.charAt(i + 1) != delimiter) {
                    return false; // text after the closing quote
                }
                fieldStart = false;
            } else {
                fieldStart = false;
            }
        }
        return fields == names.size();
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
