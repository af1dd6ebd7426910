package io.batchpipeline.buffer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.batchpipeline.record.RecordFormat;
import io.batchpipeline.record.SourceRecord;

/**
 * A chunk's records as one binary value: the count, then per record its line number and its raw text in
 * UTF-8, length-prefixed. One value per chunk keeps the buffer at one row per ~1000 records; the source and
 * format, shared by the whole chunk, are stored beside it.
 */
final class ChunkCodec {

    private ChunkCodec() {
    }

    static byte[] encode(List<SourceRecord> chunk) {
        int estimate = 4;
        for (SourceRecord record : chunk) {
            estimate += 12 + record.raw().length();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(estimate + estimate / 8);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(chunk.size());
            for (SourceRecord record : chunk) {
                byte[] raw = record.raw().getBytes(StandardCharsets.UTF_8);
                out.writeLong(record.line());
                out.writeInt(raw.length);
                out.write(raw);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen in memory
        }
        return bytes.toByteArray();
    }

    static List<SourceRecord> decode(byte[] data, String source, RecordFormat format) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int count = in.readInt();
            List<SourceRecord> records = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long line = in.readLong();
                byte[] raw = new byte[in.readInt()];
                in.readFully(raw);
                records.add(new SourceRecord(source, line, new String(raw, StandardCharsets.UTF_8), format, null));
            }
            return records;
        } catch (IOException e) {
            throw new IllegalStateException("a chunk in the durable buffer is damaged: " + e.getMessage(), e);
        }
    }
}
