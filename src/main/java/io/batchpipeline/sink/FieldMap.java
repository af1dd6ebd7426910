package io.batchpipeline.sink;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.batchpipeline.common.InvalidPropertyException;

/**
 * Source field name to target column name, case-insensitive. Fields not listed map to the column of the
 * same name. Parsed from {@code field:column,field2:column2}.
 */
public final class FieldMap {

    private final Map<String, String> renames;

    private FieldMap(Map<String, String> renames) {
        this.renames = renames;
    }

    /** @param property the property {@code spec} came from, named when it is malformed */
    public static FieldMap parse(String property, String spec) {
        Map<String, String> renames = new LinkedHashMap<>();
        if (spec != null && !spec.isBlank()) {
            for (String pair : spec.split(",")) {
                String[] parts = pair.split(":");
                if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                    throw new InvalidPropertyException(property, "'" + pair.trim() + "' is not of the form field:column");
                }
                renames.put(key(parts[0]), parts[1].trim());
            }
        }
        return new FieldMap(Collections.unmodifiableMap(renames));
    }

    /** The target column name (as configured, not case-folded) for a source field. */
    public String columnFor(String field) {
        return renames.getOrDefault(key(field), field.trim());
    }

    public Map<String, String> renames() {
        return renames;
    }

    public static String key(String name) {
        return name.trim().toLowerCase(Locale.ROOT);
    }
}
