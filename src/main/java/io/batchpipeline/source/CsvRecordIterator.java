package io.batchpipeline.source;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.batchpipeline.record.RecordFormat;
import io.batchpipeline.record.RecordText;
import io.batchpipeline.record.SourceReceipt;
import io.batchpipeline.record.SourceRecord;
import org.apache.commons.csv.CSVFormat;

/**
 * CSV with a header line. This class only decides where each record ends, so that a malformed record is
 * rejected on its own and the rest of the file still loads; Commons CSV parses the fields
 * ({@link CsvRecordFormat}). A record ends at a line break outside quotes: an even count of quote characters
 * so far, since RFC 4180 escapes a quote by doubling it. One streaming parser over the whole file could not
 * resume after an error.
 */
final class CsvRecordIterator extends LineRecordIterator {

    private final CSVFormat format;
    private final int maxLinesPerRecord;
    private final char quote;
    private RecordFormat recordFormat;

    CsvRecordIterator(String source, LineReader reader, SourceReceipt receipt, char delimiter, int maxLinesPerRecord) {
        super(source, reader, receipt);
        this.format = CsvRecordFormat.csv(delimiter);
        this.quote = format.getQuoteCharacter();
        this.maxLinesPerRecord = maxLinesPerRecord;
    }

    @Override
    protected SourceRecord readRecord() {
        if (recordFormat == null && !readHeader()) {
            return null;
        }
        LineReader.Line text;
        long firstLine;
        do {
            firstLine = lineNumber() + 1;
            text = readLogicalRecord();
        } while (text != null && text.text().isBlank());
        if (text == null) {
            return null;
        }
        return record(firstLine, text.text(), text.invalid(), recordFormat);
    }

    private boolean readHeader() {
        LineReader.Line text = readLogicalRecord();
        if (text == null) {
            return false;
        }
        recordFormat = CsvRecordFormat.withHeader(format, text.text().string());
        return true;
    }

    /**
     * Joins physical lines until quotes balance, each with its own line break, so a quoted field keeps its
     * {@code \r\n} or lone {@code \r}. A quote that does not close within maxLinesPerRecord lines, or before the
     * end, is a stray one: only the line that opened it is the (malformed) record, and the lines after it are read
     * again as records of their own. The result's line break is not part of the record.
     */
    private LineReader.Line readLogicalRecord() {
        LineReader.Line line = readLine();
        if (line == null) {
            return null;
        }
        List<LineReader.Line> more = null;
        int quotes = line.text().count(quote);
        while (quotes % 2 != 0 && (more == null ? 1 : more.size() + 1) < maxLinesPerRecord) {
            LineReader.Line next = readLine();
            if (next == null) {
                break;
            }
            if (more == null) {
                more = new ArrayList<>();
            }
            more.add(next);
            quotes += next.text().count(quote);
        }
        if (more == null) {
            return line;
        }
        if (quotes % 2 != 0) {
            unread(more);
            return line;
        }
        more.add(0, line);
        String invalid = more.stream().map(LineReader.Line::invalid).filter(Objects::nonNull).findFirst().orElse(null);
        return new LineReader.Line(joined(more), more.get(more.size() - 1).lineBreak(), invalid);
    }

    /** The lines' text with the line break of each but the last: in bytes when every line was read so. */
    private static RecordText joined(List<LineReader.Line> lines) {
        if (lines.stream().allMatch(l -> l.text().isUtf8())) {
            ByteArrayOutputStream utf8 = new ByteArrayOutputStream();
            for (int i = 0; i < lines.size(); i++) {
                if (i > 0) {
                    utf8.writeBytes(lines.get(i - 1).lineBreak().getBytes(StandardCharsets.US_ASCII));
                }
                utf8.writeBytes(lines.get(i).text().utf8());
            }
            return RecordText.ofUtf8(utf8.toByteArray());
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) {
                text.append(lines.get(i - 1).lineBreak());
            }
            text.append(lines.get(i).text().string());
        }
        return RecordText.of(text.toString());
    }

}
