package io.batchpipeline.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.StringReader;
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

    private static List<SourceRecord> read(String text, int maxLines) {
        List<SourceRecord> records = new ArrayList<>();
        new CsvRecordIterator("test.csv", new BufferedReader(new StringReader(text)), null, ',', maxLines).forEachRemaining(records::add);
        return records;
    }
}
