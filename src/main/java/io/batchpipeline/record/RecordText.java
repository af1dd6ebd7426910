package io.batchpipeline.record;

import java.nio.charset.StandardCharsets;

/**
 * A record's text as it was read: the bytes of a UTF-8 source (checked valid by the reader), or a String. Each
 * form is made from the other only when asked for, so a record that passes through to PostgreSQL's COPY, the
 * durable buffer or a CSV file as bytes is never decoded, and text read as a String is encoded at most once.
 * Decoding each line and encoding it again was most of the pipeline's own CPU on a CSV load (docs/performance.md).
 */
public final class RecordText {

    private volatile String text;
    private volatile byte[] utf8;

    private RecordText(String text, byte[] utf8) {
        this.text = text;
        this.utf8 = utf8;
    }

    public static RecordText of(String text) {
        return new RecordText(text, null);
    }

    /** @param utf8 valid UTF-8, owned by the record from now on */
    public static RecordText ofUtf8(byte[] utf8) {
        return new RecordText(null, utf8);
    }

    /** The text, decoded on first use. */
    public String string() {
        String s = text;
        if (s == null) {
            s = new String(utf8, StandardCharsets.UTF_8);
            text = s;
        }
        return s;
    }

    /** The text in UTF-8, encoded on first use; not to be changed. */
    public byte[] utf8() {
        byte[] b = utf8;
        if (b == null) {
            b = text.getBytes(StandardCharsets.UTF_8);
            utf8 = b;
        }
        return b;
    }

    /** What it weighs against {@code batch.max-bytes}: its bytes when read as UTF-8, else its characters. */
    public int size() {
        byte[] b = utf8;
        return b != null ? b.length : text.length();
    }

    /** Whether it was read as bytes; then {@link #utf8} costs nothing. */
    public boolean isUtf8() {
        return utf8 != null;
    }

    /** As {@link String#isBlank}, without decoding ASCII bytes. */
    public boolean isBlank() {
        byte[] b = utf8;
        if (b == null) {
            return text.isBlank();
        }
        for (byte c : b) {
            if (c < 0) {
                return string().isBlank(); // a non-ASCII character: let String decide whether it is white space
            }
            if (!Character.isWhitespace(c)) {
                return false;
            }
        }
        return true;
    }

    /** How often a character occurs. */
    public int count(char c) {
        int n = 0;
        byte[] b = utf8;
        if (b != null && c < 0x80) { // an ASCII byte is never part of a multi-byte character in UTF-8
            for (byte x : b) {
                if (x == c) {
                    n++;
                }
            }
            return n;
        }
        String s = string();
        for (int i = s.indexOf(c); i >= 0; i = s.indexOf(c, i + 1)) {
            n++;
        }
        return n;
    }

    @Override
    public String toString() {
        return string();
    }
}
