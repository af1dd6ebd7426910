package io.batchpipeline.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.batchpipeline.record.MalformedRecordException;
import io.batchpipeline.record.ParseResult;
import io.batchpipeline.record.ParsedRecord;
import io.batchpipeline.record.RecordFormat;
import io.batchpipeline.record.SourceRecord;
import org.apache.commons.csv.CSVFormat;
import org.junit.jupiter.api.Test;

class CsvRecordFormatTest {

    private final CsvRecordFormat format = new CsvRecordFormat(CSVFormat.RFC4180, List.of("id", "name", "note"));

    @Test
    void parsingABatchWithOneParserGivesWhatParsingEachRecordAloneGives() {
        List<String> raws = List.of(
                "1,a,plain",
                "2,\"b, with comma\",\"two\nlines\"",
                "3,\"c\"x,broken after a closing quote",       // Commons CSV throws on this one
                "4,d,\"quoted \"\"inner\"\" quotes\"",
                "5,e",                                        // too few fields
                "6,\"unterminated,cut by max-lines-per-record", // odd quotes: would swallow the next records
                "7,g,after the cut",
                "8,h,\"\"",
                "9,i,last",
                "10,,",
                "11, spaced , tail ",
                "12,too,many,fields",
                "13,x,\"\"\"\"");
        List<SourceRecord> records = new ArrayList<>();
        for (int i = 0; i < raws.size(); i++) {
            records.add(new SourceRecord("t.csv", i + 2, raws.get(i), format, null));
        }

        ParseResult[] batch = RecordFormat.parseBatch(records);

        for (int i = 0; i < raws.size(); i++) {
            Object alone;
            try {
                alone = format.parse(raws.get(i));
            } catch (MalformedRecordException e) {
                alone = e;
            }
            if (alone instanceof MalformedRecordException expected) {
                assertThat(batch[i]).as(raws.get(i)).isInstanceOf(ParseResult.Malformed.class);
                assertThat(((ParseResult.Malformed) batch[i]).reason()).isEqualTo(expected.getMessage());
            } else {
                assertThat(((ParsedRecord) batch[i]).asMap()).as(raws.get(i)).isEqualTo(((ParsedRecord) alone).asMap());
            }
        }
        assertThat(((ParsedRecord) batch[1]).asMap()).containsEntry("note", "two\nlines");
        assertThat(((ParsedRecord) batch[6]).asMap()).containsEntry("id", "7");
        assertThat(batch[2]).isInstanceOf(ParseResult.Malformed.class);
        assertThat(batch[5]).isInstanceOf(ParseResult.Malformed.class);
    }

    @Test
    void aHeaderThatNamesAFieldTwiceRejectsEveryRecordInsteadOfKeepingOneValue() {
        CsvRecordFormat twice = CsvRecordFormat.withHeader(CSVFormat.RFC4180, "id,name,ID");
        List<SourceRecord> records = List.of(new SourceRecord("t.csv", 2, "1,a,2", twice, null), new SourceRecord("t.csv", 3, "3,\"b\",4", twice, null));

        ParseResult[] batch = RecordFormat.parseBatch(records);

        assertThat(batch).allSatisfy(result -> assertThat(result).isInstanceOfSatisfying(ParseResult.Malformed.class,
                malformed -> assertThat(malformed.reason()).contains("'ID' twice")));
    }
}
