package io.batchpipeline.record;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A record's fields: names and values by position. The names of every record of one CSV file are the same
 * list instance, so a sink can map names to columns once per file instead of once per record.
 */
public record ParsedRecord(List<String> names, Object[] values) implements ParseResult {

    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>(names.size() * 2);
        for (int i = 0; i < names.size(); i++) {
            map.put(names.get(i), values[i]);
        }
        return map;
    }

    public static ParsedRecord of(Map<String, Object> fields) {
        return new ParsedRecord(List.copyOf(fields.keySet()), fields.values().toArray());
    }
}
