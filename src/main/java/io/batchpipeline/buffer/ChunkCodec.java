package io.batchpipeline.buffer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.batchpipeline.record.RecordFormat;
import io.batchpipeline.record.RecordText;
import io.batchpipeline.record.SourceRecord;

/**
 * A chunk's records as one binary value, so that the buffer holds one row per ~1000 records. Most chunks hold
 * records of one source in one format (a file's): the value is the count, then per record its line number and its raw
 * text in UTF-8, length-prefixed, and the source and format are stored beside it. A chunk whose records differ in
 * either (a Kafka poll's records, each its own message; a record of a file whose bytes are invalid) is stored
 * {@link #PER_RECORD}: the value starts with the distinct sources and formats, and each record names its own.
 */
final class ChunkCodec {

    /** The stored format of a chunk whose records each name their source and format. */
    static final String PER_RECORD = "per-record";

    private ChunkCodec() {
    }

    static BufferTable.StoredChunk store(List<SourceRecord> chunk) {
        SourceRecord first = chunk.get(0);
        for (SourceRecord record : chunk) {
            if (record.format() != first.format() || !record.source().equals(first.source())) {
                return new BufferTable.StoredChunk(first.source(), PER_RECORD, encodePerRecord(chunk));
            }
        }
        return new BufferTable.StoredChunk(first.source(), first.format().spec(), encode(chunk));
    }

    /** @param formats rebuilds a format from its spec */
    static List<SourceRecord> load(BufferTable.StoredChunk chunk, Function<String, RecordFormat> formats) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(chunk.records()))) {
            if (!PER_RECORD.equals(chunk.format())) {
                return decode(in, chunk.source(), formats.apply(chunk.format()));
            }
            return decodePerRecord(in, formats);
        } catch (IOException e) {
            throw new IllegalStateException("a chunk of " + chunk.source() + " in the durable buffer is damaged: " + e.getMessage(), e);
        }
    }

    private static byte[] encode(List<SourceRecord> chunk) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(estimate(chunk));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(chunk.size());
            for (SourceRecord record : chunk) {
                out.writeLong(record.line());
                writeUtf8(out, record.text().utf8());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen in memory
        }
        return bytes.toByteArray();
    }

    private static List<SourceRecord> decode(DataInputStream in, String source, RecordFormat format) throws IOException {
        int count = in.readInt();
        List<SourceRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long line = in.readLong();
            records.add(new SourceRecord(source, line, readRecordText(in), format, null));
        }
        return records;
    }

    private static byte[] encodePerRecord(List<SourceRecord> chunk) {
        Map<String, Integer> sources = new HashMap<>();
        Map<RecordFormat, Integer> formats = new IdentityHashMap<>(); // a message's records share one format object
        Map<String, Integer> specs = new HashMap<>();
        List<String> sourceList = new ArrayList<>();
        List<String> specList = new ArrayList<>();
        int[] sourceOf = new int[chunk.size()];
        int[] formatOf = new int[chunk.size()];
        for (int i = 0; i < chunk.size(); i++) {
            SourceRecord record = chunk.get(i);
            sourceOf[i] = sources.computeIfAbsent(record.source(), source -> add(sourceList, source));
            formatOf[i] = formats.computeIfAbsent(record.format(), format -> specs.computeIfAbsent(format.spec(), spec -> add(specList, spec)));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(estimate(chunk) + 64 * sourceList.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeTexts(out, sourceList);
            writeTexts(out, specList);
            out.writeInt(chunk.size());
            for (int i = 0; i < chunk.size(); i++) {
                SourceRecord record = chunk.get(i);
                out.writeInt(sourceOf[i]);
                out.writeInt(formatOf[i]);
                out.writeLong(record.line());
                writeUtf8(out, record.text().utf8());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen in memory
        }
        return bytes.toByteArray();
    }

    private static List<SourceRecord> decodePerRecord(DataInputStream in, Function<String, RecordFormat> formats) throws IOException {
        List<String> sources = readTexts(in);
        List<RecordFormat> formatList = new ArrayList<>();
        for (String spec : readTexts(in)) {
            formatList.add(formats.apply(spec));
        }
        int count = in.readInt();
        List<SourceRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String source = sources.get(in.readInt());
            RecordFormat format = formatList.get(in.readInt());
            long line = in.readLong();
            records.add(new SourceRecord(source, line, readRecordText(in), format, null));
        }
        return records;
    }

    private static int add(List<String> list, String text) {
        list.add(text);
        return list.size() - 1;
    }

    private static int estimate(List<SourceRecord> chunk) {
        int estimate = 4;
        for (SourceRecord record : chunk) {
            estimate += 20 + record.text().size();
        }
        return estimate + estimate / 8;
    }

    private static void writeTexts(DataOutputStream out, List<String> texts) throws IOException {
        out.writeInt(texts.size());
        for (String text : texts) {
            writeText(out, text);
        }
    }

    private static List<String> readTexts(DataInputStream in) throws IOException {
        int count = in.readInt();
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            texts.add(readText(in));
        }
        return texts;
    }

    private static void writeText(DataOutputStream out, String text) throws IOException {
        writeUtf8(out, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void writeUtf8(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readText(DataInputStream in) throws IOException {
        return readRecordText(in).string();
    }

    /** Valid UTF-8, as {@link #writeUtf8} wrote it: kept as bytes until the text is asked for. */
    private static RecordText readRecordText(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return RecordText.ofUtf8(bytes);
    }
}
