package io.batchpipeline.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.batchpipeline.record.MalformedRecordException;
import io.batchpipeline.record.SourceRecord;
import org.junit.jupiter.api.Test;

class CsvRecordIteratorTest {

    @Test
    void recordsCarryTheirFieldsByHeaderNameAndTheLineTheyStartOn() {
        List<SourceRecord> records = read("\uFEFFid, name ,note\n1,a,plain\n\n2,b,\"two\nlines, \"\"quoted\"\"\"\n3,c,last\n", 1000);

        assertThat(records).extracting(SourceRecord::line).containsExactly(2L, 4L, 6L);
        assertThat(records.get(0).fields()).containsOnlyKeys("id", "name", "note");
        assertThat(records.get(1).raw()).isEqualTo("2,b,\"two\nlines, \"\"quoted\"\"\"");
        assertThat(records.get(1).fields().get("note")).isEqualTo("two\nlines, \"quoted\"");
        assertThat(records.get(2).fields().get("name")).isEqualTo("c");
    }

    @Test
    void aStrayQuoteRejectsOnlyTheLineThatOpenedItAndReadingResumesAtTheNextLine() {
        for (int maxLines : new int[] {2, 1000}) { // the quote stays open past the limit, or until the end
            List<SourceRecord> records = read("id,name\n1,\"unterminated\n2,b\n3,c\n4,d\n", maxLines);

            assertThat(records.get(0).raw()).isEqualTo("1,\"unterminated");
            assertThatThrownBy(() -> records.get(0).fields()).isInstanceOf(MalformedRecordException.class).hasMessageStartingWith("malformed CSV");
            assertThat(records.subList(1, 4)).extracting(r -> r.fields().get("id")).containsExactly("2", "3", "4");
            assertThat(records).extracting(SourceRecord::line).containsExactly(2L, 3L, 4L, 5L);
        }
    }

    @Test
    void aQuotedFieldKeepsItsLineBreaksAsTheyWere() {
        List<SourceRecord> records = read("id,note\r\n1,\"two\r\nlines\"\r\n2,\"lone\rreturn\"\r\n3,\"unix\nbreak\"\n4,last", 1000);

        assertThat(records).extracting(r -> r.fields().get("note")).containsExactly("two\r\nlines", "lone\rreturn", "unix\nbreak", "last");
        assertThat(records).extracting(SourceRecord::line).containsExactly(2L, 4L, 6L, 8L);
    }

    @Test
    void bytesNotValidInTheCharsetRejectTheirRecordOnly() {
        byte[] latin1 = "id,city\n1,Z\u00fcrich\n2,Bern\n".getBytes(StandardCharsets.ISO_8859_1);

        List<SourceRecord> asUtf8 = read(latin1, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> asUtf8.get(0).fields()).isInstanceOf(MalformedRecordException.class)
                .hasMessage("bytes not valid in UTF-8 at byte 4 of the line (set source.charset to the file's encoding)");
        assertThat(asUtf8.get(1).fields()).containsEntry("city", "Bern");

        List<SourceRecord> asLatin1 = read(latin1, StandardCharsets.ISO_8859_1);
        assertThat(asLatin1).extracting(r -> r.fields().get("city")).containsExactly("Z\u00fcrich", "Bern");
    }

    @Test
    void aRealReplacementCharacterInTheInputIsKept() {
        assertThat(read("id,note\n1,\uFFFD\n", 1000).get(0).fields()).containsEntry("note", "\uFFFD");
    }

    @Test
    void aRecordWithTheWrongNumberOfFieldsIsMalformed() {
        List<SourceRecord> records = read("id,name\n1,a,extra\n", 10);

        assertThatThrownBy(() -> records.get(0).fields()).isInstanceOf(MalformedRecordException.class)
                .hasMessage("expected 2 fields as in the header, found 3");
    }

    @Test
    void anEmptyInputHasNoRecords() {
        assertThat(read("", 10)).isEmpty();
        assertThat(read("id,name\n", 10)).isEmpty();
    }

    private static List<SourceRecord> read(byte[] bytes, Charset charset) {
        List<SourceRecord> records = new ArrayList<>();
        new CsvRecordIterator("test.csv", new LineReader(new ByteArrayInputStream(bytes), charset, 1 << 20), null, ',', 1000).forEachRemaining(records::add);
        return records;
    }

    private static List<SourceRecord> read(String text, int maxLines) {
        List<SourceRecord> records = new ArrayList<>();
        new CsvRecordIterator("test.csv", new LineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8, 1 << 20), null, ',', maxLines).forEachRemaining(records::add);
        return records;
    }
}
