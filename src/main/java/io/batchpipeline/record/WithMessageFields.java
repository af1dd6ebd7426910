package io.batchpipeline.record;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A record format plus its message's fields: parses as the format does, then adds the fields. Its spec carries both,
 * so records kept in the durable buffer get the same fields after a restart.
 */
public record WithMessageFields(RecordFormat format, MessageFields fields) implements RecordFormat {

    public static final String SPEC_PREFIX = "with-message-fields:";

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public ParsedRecord parse(String raw) {
        return fields.appendTo(format.parse(raw));
    }

    @Override
    public ParsedRecord parse(RecordText text) {
        return fields.appendTo(format.parse(text));
    }

    @Override
    public void parseAll(List<SourceRecord> records, int from, int to, ParseResult[] results) {
        format.parseAll(records, from, to, results);
        for (int i = from; i < to; i++) {
            if (results[i] instanceof ParsedRecord parsed) {
                results[i] = fields.appendTo(parsed);
            }
        }
    }

    /** Not passed through as text: the fields are not in it. */
    @Override
    public CsvLayout csvLayout() {
        return null;
    }

    @Override
    public String spec() {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("fields", fields.asMap());
        spec.put("format", format.spec());
        try {
            return SPEC_PREFIX + JSON.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the message fields " + fields.asMap(), e);
        }
    }

    /**
     * The format and fields a {@link #spec()} describes; {@code restore} rebuilds the inner format from its own spec.
     */
    public static RecordFormat ofSpec(String spec, Function<String, RecordFormat> restore) {
        try {
            Map<?, ?> parsed = JSON.readValue(spec.substring(SPEC_PREFIX.length()), Map.class);
            Map<String, Object> fields = new LinkedHashMap<>();
            ((Map<?, ?>) parsed.get("fields")).forEach((name, value) ->
                    fields.put((String) name, value instanceof Number number ? (Object) number.longValue() : value));
            return new WithMessageFields(restore.apply((String) parsed.get("format")), new MessageFields(fields));
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("damaged record format with message fields '" + spec + "'", e);
        }
    }
}
