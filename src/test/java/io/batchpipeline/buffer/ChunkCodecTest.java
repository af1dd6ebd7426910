package io.batchpipeline.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Map;

import io.batchpipeline.record.MalformedRecordException;
import io.batchpipeline.record.RecordFormat;
import io.batchpipeline.record.SourceRecord;
import io.batchpipeline.source.RecordFormats;
import org.junit.jupiter.api.Test;

/** What the durable buffer stores of a chunk is what a restart reads back: each record's text, line, source and format. */
class ChunkCodecTest {

    private final RecordFormat csv = RecordFormats.ofSpec("csv,id,customer");

    @Test
    void aChunkOfOneFileStoresItsSourceAndFormatOnceBesideTheRecords() {
        List<SourceRecord> chunk = List.of(record("orders.csv", 2, "1,acme", csv), record("orders.csv", 3, "2,\"b, c\"", csv));

        BufferTable.StoredChunk stored = ChunkCodec.store(chunk);

        assertThat(stored.source()).isEqualTo("orders.csv");
        assertThat(stored.format()).isEqualTo("csv,id,customer");
        List<SourceRecord> loaded = ChunkCodec.load(stored, RecordFormats::ofSpec);
        assertThat(loaded).extracting(SourceRecord::source, SourceRecord::line, SourceRecord::raw)
                .containsExactly(tuple("orders.csv", 2L, "1,acme"), tuple("orders.csv", 3L, "2,\"b, c\""));
        assertThat(loaded.get(1).fields()).isEqualTo(Map.of("id", "2", "customer", "b, c"));
    }

    /** Before each record named its format, a record with invalid bytes came back in its file's format, and was loaded. */
    @Test
    void aRecordWithInvalidBytesInAFileIsStillRejectedAfterARestart() {
        List<SourceRecord> chunk = List.of(record("orders.csv", 2, "1,acme", csv),
                record("orders.csv", 3, "2,caf\uFFFD", RecordFormats.ofSpec("unreadable:invalid UTF-8 at byte 5")), record("orders.csv", 4, "3,zed", csv));

        List<SourceRecord> loaded = ChunkCodec.load(ChunkCodec.store(chunk), RecordFormats::ofSpec);

        assertThat(loaded.get(0).fields()).isEqualTo(Map.of("id", "1", "customer", "acme"));
        assertThatThrownBy(() -> loaded.get(1).parse()).isInstanceOf(MalformedRecordException.class).hasMessage("invalid UTF-8 at byte 5");
        assertThat(loaded.get(2).fields()).isEqualTo(Map.of("id", "3", "customer", "zed"));
    }

    private static SourceRecord record(String source, long line, String raw, RecordFormat format) {
        return new SourceRecord(source, line, raw, format, null);
    }
}
