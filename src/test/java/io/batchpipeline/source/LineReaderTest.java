package io.batchpipeline.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Lines as bytes: their own line breaks, across buffer boundaries, and bounded in memory. */
class LineReaderTest {

    @Test
    void aLineLongerThanTheLimitComesBackInvalidWithItsLengthAndOnlyItsStartWhileTheNextLineIsIntact() throws IOException {
        // 5 MB of one line, streamed: never held whole
        InputStream input = new SequenceInputStream(new RepeatedBytes('x', 5_000_000), new ByteArrayInputStream("\r\nnext\n".getBytes()));

        List<LineReader.Line> lines = read(input, 1 << 20);

        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).invalid()).isEqualTo("a record of 5000000 bytes, longer than source.max-record-bytes (1048576); its first characters are shown");
        assertThat(lines.get(0).text().string()).hasSize(1003).startsWith("xxx").endsWith("...");
        assertThat(lines.get(0).lineBreak()).isEqualTo("\r\n");
        assertThat(lines.get(1).text().string()).isEqualTo("next");
        assertThat(lines.get(1).lineBreak()).isEqualTo("\n");
        assertThat(lines.get(1).invalid()).isNull();
    }

    @Test
    void lineBreaksAreKeptAcrossBufferBoundaries() throws IOException {
        StringBuilder text = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; text.length() < 300_000; i++) { // lines of every length around the 64 KiB buffer
            String line = "l".repeat(i % 7000);
            String lineBreak = i % 3 == 0 ? "\r\n" : i % 3 == 1 ? "\n" : "\r";
            text.append(line).append(lineBreak);
            expected.add(line + lineBreak);
        }

        List<LineReader.Line> lines = read(new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8)), 1 << 20);

        assertThat(lines).extracting(l -> l.text().string() + l.lineBreak()).containsExactlyElementsOf(expected);
    }

    @Test
    void validUtf8IsKeptAsItsBytesAndALineWithInvalidBytesIsDecodedWithTheReason() throws IOException {
        byte[] bad = {'b', 'a', 'd', (byte) 0xC3, '(', '\n'};
        byte[] input = concat("plain\nZoë, 李 🚀 \uFFFD\n".getBytes(StandardCharsets.UTF_8), bad);

        List<LineReader.Line> lines = read(new ByteArrayInputStream(input), 1 << 20);

        assertThat(lines).extracting(l -> l.text().isUtf8(), l -> l.text().string(), LineReader.Line::invalid).containsExactly(
                tuple(true, "plain", null),
                tuple(true, "Zoë, 李 🚀 \uFFFD", null), // a U+FFFD in the input is a character like any other
                tuple(false, "bad\uFFFD(", "bytes not valid in UTF-8 at byte 4 of the line (set source.charset to the file's encoding)"));
    }

    /** An all-ASCII line skips the UTF-8 check; a line read across buffers is checked whole, whatever its first part was. */
    @Test
    void aByteBeyondABufferBoundaryIsJudgedWithItsWholeLine() throws IOException {
        String ascii = "a".repeat(70_000); // longer than the 64 KiB buffer
        byte[] bad = {(byte) 0xC3, '('};
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        input.writeBytes((ascii + "\n" + ascii + "é\n" + ascii).getBytes(StandardCharsets.UTF_8));
        input.writeBytes(bad); // at the end of a line
        input.write('\n');
        input.writeBytes(bad); // at the start of one
        input.writeBytes((ascii + "\nok\r").getBytes(StandardCharsets.UTF_8));

        List<LineReader.Line> lines = read(new ByteArrayInputStream(input.toByteArray()), 1 << 20);

        assertThat(lines).extracting(l -> l.text().isUtf8(), l -> l.text().string().length(), LineReader.Line::invalid).containsExactly(
                tuple(true, 70_000, null),
                tuple(true, 70_001, null),
                tuple(false, 70_002, "bytes not valid in UTF-8 at byte 70001 of the line (set source.charset to the file's encoding)"),
                tuple(false, 70_002, "bytes not valid in UTF-8 at byte 1 of the line (set source.charset to the file's encoding)"),
                tuple(true, 2, null));
    }

    @Test
    void linesOfAnotherCharsetAreDecoded() throws IOException {
        byte[] latin1 = "Zoë\n".getBytes(StandardCharsets.ISO_8859_1);

        List<LineReader.Line> lines = read(new ByteArrayInputStream(latin1), StandardCharsets.ISO_8859_1, 1 << 20);

        assertThat(lines).extracting(l -> l.text().isUtf8(), l -> l.text().string()).containsExactly(tuple(false, "Zoë"));
    }

    @Test
    void aBodyInMemoryReadsAsTheSameBytesStreamedDoAndIsLeftAsItWas() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        List<byte[]> bodies = List.of(
                new byte[0],
                "{\"id\":1}".getBytes(StandardCharsets.UTF_8),
                "{\"id\":1}\n".getBytes(StandardCharsets.UTF_8),
                "a\r\nb\rc\n\nd\r".getBytes(StandardCharsets.UTF_8),
                "Zoë, 李 🚀".getBytes(StandardCharsets.UTF_8),
                concat(bom, "after a byte order mark\nlast".getBytes(StandardCharsets.UTF_8)),
                new byte[] {'b', 'a', 'd', (byte) 0xC3, '(', '\n', 'o', 'k'},
                "x".repeat(40).getBytes(StandardCharsets.UTF_8),
                ("x".repeat(40) + "\nshort").getBytes(StandardCharsets.UTF_8));

        for (byte[] body : bodies) {
            byte[] before = body.clone();
            List<LineReader.Line> inMemory = new ArrayList<>();
            try (LineReader reader = new LineReader(body, StandardCharsets.UTF_8, 32)) {
                for (LineReader.Line line = reader.next(); line != null; line = reader.next()) {
                    inMemory.add(line);
                }
            }

            List<LineReader.Line> streamed = read(new ByteArrayInputStream(body), 32);
            assertThat(inMemory).as(new String(body, StandardCharsets.UTF_8))
                    .extracting(l -> l.text().string(), LineReader.Line::lineBreak, LineReader.Line::invalid, l -> l.text().isUtf8())
                    .containsExactlyElementsOf(streamed.stream().map(l -> tuple(l.text().string(), l.lineBreak(), l.invalid(), l.text().isUtf8())).toList());
            assertThat(body).isEqualTo(before);
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static List<LineReader.Line> read(InputStream input, int maxLineBytes) throws IOException {
        return read(input, StandardCharsets.UTF_8, maxLineBytes);
    }

    private static List<LineReader.Line> read(InputStream input, Charset charset, int maxLineBytes) throws IOException {
        List<LineReader.Line> lines = new ArrayList<>();
        try (LineReader reader = new LineReader(input, charset, maxLineBytes)) {
            for (LineReader.Line line = reader.next(); line != null; line = reader.next()) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** The same byte, many times, without an array of that size. */
    private static final class RepeatedBytes extends InputStream {
        private final int value;
        private long left;

        RepeatedBytes(char value, long count) {
            this.value = value;
            this.left = count;
        }

        @Override
        public int read() {
            if (left == 0) {
                return -1;
            }
            left--;
            return value;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            Arrays.fill(b, off, off + n, (byte) value);
            left -= n;
            return n;
        }
    }
}
