package io.batchpipeline.source;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One JSON object, parsed by Jackson. Scalars become Java values (text, exact numbers, booleans, null);
 * nested objects and arrays are kept as their JSON text for the sink to store.
 */
final class JsonRecordFormat implements RecordFormat {

    private final ObjectMapper mapper;

    JsonRecordFormat(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    public Map<String, Object> parse(String raw) {
        JsonNode node;
        try {
            node = mapper.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new MalformedRecordException("malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new MalformedRecordException("expected a JSON object, found " + (node == null ? "nothing" : node.getNodeType()));
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        node.fields().forEachRemaining(field -> fields.put(field.getKey(), scalar(field.getValue())));
        return fields;
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
