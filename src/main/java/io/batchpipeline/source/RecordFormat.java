package io.batchpipeline.source;

import java.util.Map;

/** Parses the raw text of one record into named fields. Implementations are immutable and thread-safe. */
@FunctionalInterface
public interface RecordFormat {

    /** @throws MalformedRecordException when the text is not a valid record */
    Map<String, Object> parse(String raw);
}
