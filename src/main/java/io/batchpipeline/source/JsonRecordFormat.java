package io.batchpipeline.source;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.batchpipeline.record.MalformedRecordException;
import io.batchpipeline.record.ParsedRecord;
import io.batchpipeline.record.RecordFormat;

/**
 * One JSON object, parsed by Jackson. Scalars become Java values (text, exact numbers, booleans, null);
 * nested objects and arrays are kept as their JSON text for the sink to store.
 */
final class JsonRecordFormat implements RecordFormat {

    private final ObjectMapper mapper;

    JsonRecordFormat(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    static final String SPEC = "jsonl";

    /**
     * Exact decimals: a float in the JSON must not lose digits on its way to a NUMERIC column, nor change its
     * text on its way to a file or a text column ({@code 100.0} stays {@code 100.0}, not {@code 1E+2}). A line is
     * one object: text after it, or a key given twice, rejects the record instead of dropping data silently.
     */
    static final JsonRecordFormat STANDARD = new JsonRecordFormat(JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build());

    @Override
    public String spec() {
        return SPEC;
    }

    @Override
    public ParsedRecord parse(String raw) {
        JsonNode node;
        try {
            node = mapper.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new MalformedRecordException("malformed JSON: " + e.getOriginalMessage());
        } catch (RuntimeException e) { // e.g. a number whose exponent BigDecimal cannot hold
            throw new MalformedRecordException("malformed JSON: " + e);
        }
        if (node == null || !node.isObject()) {
            throw new MalformedRecordException("expected a JSON object, found " + (node == null ? "nothing" : node.getNodeType()));
        }
        List<String> names = new ArrayList<>(node.size());
        Object[] values = new Object[node.size()];
        node.fields().forEachRemaining(field -> {
            values[names.size()] = scalar(field.getValue());
            names.add(field.getKey());
        });
        return new ParsedRecord(names, values);
    }

    private static Object scalar(JsonNode value) {
        if (value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber()) {
            return value.canConvertToLong() ? (Object) value.longValue() : value.bigIntegerValue();
        }
        if (value.isNumber()) {
            return value.decimalValue();
        }
        return value.toString();
    }
}
