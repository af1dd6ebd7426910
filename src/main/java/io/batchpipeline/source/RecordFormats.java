package io.batchpipeline.source;

import io.batchpipeline.record.RecordFormat;
import io.batchpipeline.record.WithMessageFields;

/** Rebuilds the record format that {@link RecordFormat#spec()} described, for records read back from the durable buffer. */
public final class RecordFormats {

    private RecordFormats() {
    }

    public static RecordFormat ofSpec(String spec) {
        if (spec.equals(JsonRecordFormat.SPEC)) {
            return JsonRecordFormat.STANDARD;
        }
        if (spec.startsWith(WithMessageFields.SPEC_PREFIX)) {
            return WithMessageFields.ofSpec(spec, RecordFormats::ofSpec);
        }
        if (spec.startsWith(UnreadableRecord.SPEC_PREFIX)) {
            return new UnreadableRecord(spec.substring(UnreadableRecord.SPEC_PREFIX.length()));
        }
        if (spec.startsWith(CsvRecordFormat.SPEC_PREFIX)) {
            return CsvRecordFormat.ofSpec(spec);
        }
        throw new IllegalArgumentException("unknown record format '" + spec + "'");
    }
}
