package io.batchpipeline.source;

import java.io.BufferedReader;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * JSON lines: one JSON object per line, parsed by Jackson. Scalars become Java values (text, exact numbers,
 * booleans, null); nested objects and arrays are kept as their JSON text for the sink to store.
 */
final class JsonLinesRecordIterator extends LineRecordIterator {

    private final ObjectMapper mapper;

    JsonLinesRecordIterator(String source, BufferedReader reader, ObjectMapper mapper) {
        super(source, reader);
        this.mapper = mapper;
    }

    @Override
    protected SourceRecord readRecord() {
        String line;
        do {
            line = readLine();
        } while (line != null && line.isBlank());
        if (line == null) {
            return null;
        }
        JsonNode node;
        try {
            node = mapper.readTree(line);
        } catch (JsonProcessingException e) {
            return SourceRecord.malformed(source, lineNumber(), line, "malformed JSON: " + e.getOriginalMessage());
        }
        if (!node.isObject()) {
            return SourceRecord.malformed(source, lineNumber(), line, "expected a JSON object, found " + node.getNodeType());
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        node.fields().forEachRemaining(field -> fields.put(field.getKey(), scalar(field.getValue())));
        return SourceRecord.parsed(source, lineNumber(), fields, line);
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
