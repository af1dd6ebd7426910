package io.batchpipeline.source;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.batchpipeline.record.RecordText;

/**
 * Physical lines of a byte stream in an ASCII-compatible charset, each with its own line break ({@code \n},
 * {@code \r\n} or a lone {@code \r}), and with the reason when its bytes are not valid in the charset.
 *
 * <p>Hand-written because {@code BufferedReader.readLine} drops the line breaks (a quoted CSV field spanning
 * lines would come back with {@code \n} for {@code \r\n}) and its decoder replaces invalid bytes with U+FFFD
 * without a word. A line of a UTF-8 source is kept as its bytes once they are known valid ({@link Utf8Validation}):
 * most records then reach COPY or the durable buffer without being decoded.
 * Other lines are decoded with {@code new String(bytes, charset)}, the JDK's fastest path; only a line whose text
 * then holds U+FFFD is decoded again strictly, to tell a real U+FFFD from a replaced byte.
 */
final class LineReader implements Closeable {

    /** One line: its text, its line break ("" for the last line when the input does not end with one), and why its bytes are invalid, or null. */
    record Line(RecordText text, String lineBreak, String invalid) {
    }

    private static final byte[] UTF8_BYTE_ORDER_MARK = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final InputStream in;
    private final Charset charset;
    private final int maxLineBytes;
    private final byte[] buffer;
    private int position;
    private int limit;
    private boolean end;
    /** The part of a line read before the buffer was refilled, up to maxLineBytes; grown when first needed. */
    private byte[] carry = new byte[0];
    private int carried;
    /** Bytes of the current line, kept or not. */
    private long total;
    private boolean first = true;
    private final boolean utf8;
    /** Every byte of the current line read so far is ASCII. */
    private boolean ascii;
    /** The buffer is a body in memory, whole and never changed: a line that is all of it keeps that very array. */
    private final boolean inMemory;

    /** @param maxLineBytes a longer line is kept only in part, and comes back invalid with its length */
    LineReader(InputStream in, Charset charset, int maxLineBytes) {
        this(in, new byte[bufferSize(in)], charset, maxLineBytes, false);
    }

    /**
     * The lines of a message body, read where it lies: a buffer and two copies of each line of a one-record message were
     * most of what reading one cost (650 MB of garbage per million messages).
     */
    LineReader(byte[] body, Charset charset, int maxLineBytes) {
        this(InputStream.nullInputStream(), body, charset, maxLineBytes, true);
        limit = body.length;
        end = true;
    }

    private LineReader(InputStream in, byte[] buffer, Charset charset, int maxLineBytes, boolean inMemory) {
        this.in = in;
        this.buffer = buffer;
        this.charset = charset;
        this.maxLineBytes = maxLineBytes;
        this.utf8 = charset.equals(StandardCharsets.UTF_8);
        this.inMemory = inMemory;
    }

    private static CharsetDecoder strict(Charset charset) {
        return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /** 64 KiB for a file, less for a short stream. */
    private static int bufferSize(InputStream in) {
        try {
            return Math.max(512, Math.min(64 * 1024, in.available() + 1));
        } catch (IOException e) {
            return 64 * 1024;
        }
    }

    /** The next line, or null at the end of the input. */
    Line next() throws IOException {
        carried = 0;
        total = 0;
        ascii = true;
        if (first) {
            first = false;
            skipByteOrderMark();
        }
        while (true) {
            if (position == limit && !fill()) {
                return total == 0 ? null : line(carry, 0, carried, "");
            }
            int start = position;
            int i = start;
            // the bytes OR-ed together: not negative when all are ASCII, which is valid UTF-8 without a second pass
            int ored = 0;
            while (i < limit) {
                byte b = buffer[i];
                if (b == '\n' || b == '\r') {
                    break;
                }
                ored |= b;
                i++;
            }
            ascii &= ored >= 0;
            if (i == limit && end && total == 0) { // the last line, whole in the buffer
                position = limit;
                total = i - start;
                return line(buffer, start, (int) Math.min(total, maxLineBytes), "");
            }
            if (i == limit) { // no line break in the buffer: keep what we have and read on
                keep(start, i - start);
                position = limit;
                continue;
            }
            byte lineBreak = buffer[i];
            position = i + 1;
            byte[] bytes;
            int from;
            int length;
            if (total > 0) { // the line began before this buffer
                keep(start, i - start);
                bytes = carry;
                from = 0;
                length = carried;
            } else {
                total = i - start;
                bytes = buffer;
                from = start;
                length = (int) Math.min(total, maxLineBytes);
            }
            if (lineBreak == '\n') {
                return line(bytes, from, length, "\n");
            }
            // a carriage return: the line break is \r\n when a \n follows, else \r alone
            if (position == limit) {
                if (bytes == buffer) { // about to refill: move the line's bytes out of the buffer
                    carry = carry.length >= length ? carry : new byte[length];
                    System.arraycopy(buffer, from, carry, 0, length);
                    bytes = carry;
                    from = 0;
                }
                if (!fill()) {
                    return line(bytes, from, length, "\r");
                }
            }
            if (buffer[position] == '\n') {
                position++;
                return line(bytes, from, length, "\r\n");
            }
            return line(bytes, from, length, "\r");
        }
    }

    private Line line(byte[] bytes, int from, int length, String lineBreak) {
        if (total <= maxLineBytes && isValidUtf8(bytes, from, length)) {
            boolean wholeBody = inMemory && bytes == buffer && from == 0 && length == bytes.length;
            return new Line(RecordText.ofUtf8(wholeBody ? bytes : Arrays.copyOfRange(bytes, from, from + length)), lineBreak, null);
        }
        String text = new String(bytes, from, length, charset);
        if (total > maxLineBytes) {
            return new Line(RecordText.of(text.substring(0, Math.min(text.length(), PREVIEW_CHARACTERS)) + "..."), lineBreak, "a record of " + total
                    + " bytes, longer than source.max-record-bytes (" + maxLineBytes + "); its first characters are shown");
        }
        return new Line(RecordText.of(text), lineBreak, text.indexOf('\uFFFD') >= 0 ? invalid(bytes, from, length) : null);
    }

    /** Whether the source is UTF-8 and the line's bytes are valid in it; false sends the line the String way. */
    private boolean isValidUtf8(byte[] bytes, int from, int length) {
        return utf8 && (ascii || Utf8Validation.isWellFormed(bytes, from, from + length));
    }

    /** How much of a record too long to load the dead-letter entry shows. */
    private static final int PREVIEW_CHARACTERS = 1000;

    /** Decodes strictly: null when the U+FFFD were in the input, else where the first invalid byte is. */
    private String invalid(byte[] bytes, int from, int length) {
        CharsetDecoder decoder = strict(charset);
        ByteBuffer input = ByteBuffer.wrap(bytes, from, length);
        CharBuffer output = CharBuffer.allocate((int) Math.ceil(length * (double) decoder.maxCharsPerByte()) + 1);
        CoderResult result = decoder.decode(input, output, true);
        if (!result.isError()) {
            result = decoder.flush(output);
        }
        if (!result.isError()) {
            return null;
        }
        return "bytes not valid in " + charset.name() + " at byte " + (input.position() - from + 1) + " of the line"
                + " (set source.charset to the file's encoding)";
    }

    private void skipByteOrderMark() throws IOException {
        if (charset != StandardCharsets.UTF_8) {
            return;
        }
        while (limit - position < UTF8_BYTE_ORDER_MARK.length && fillMore()) {
            // read until three bytes are there, or the input ends
        }
        if (limit - position >= UTF8_BYTE_ORDER_MARK.length
                && Arrays.equals(buffer, position, position + 3, UTF8_BYTE_ORDER_MARK, 0, 3)) {
            position += 3;
        }
    }

    /** Keeps the bytes of a line that spans buffers, up to maxLineBytes; counts them all. */
    private void keep(int from, int length) {
        int kept = (int) Math.min(length, Math.max(0, maxLineBytes - carried));
        if (carried + kept > carry.length) {
            carry = Arrays.copyOf(carry, Math.max(carry.length * 2, carried + kept));
        }
        System.arraycopy(buffer, from, carry, carried, kept);
        carried += kept;
        total += length;
    }

    /** Refills the empty buffer; false at the end of the input. */
    private boolean fill() throws IOException {
        position = 0;
        limit = 0;
        return fillMore();
    }

    /** Reads more bytes after those in the buffer; false at the end of the input. */
    private boolean fillMore() throws IOException {
        if (end) {
            return false;
        }
        if (position > 0) {
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            limit -= position;
            position = 0;
        }
        int read = in.read(buffer, limit, buffer.length - limit);
        if (read < 0) {
            end = true;
            return false;
        }
        limit += read;
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
