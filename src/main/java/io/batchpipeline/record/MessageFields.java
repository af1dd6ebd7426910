package io.batchpipeline.record;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a message tells about itself (its topic, partition, offset, id, chosen headers), as fields that each of its
 * records carries after its own ({@code source.metadata}). A record field of the same name is replaced. The fields
 * never change; what is cached beside them is rebuilt if lost.
 */
public final class MessageFields {

    /** No fields: records are read as they are. */
    public static final MessageFields NONE = new MessageFields(Map.of());

    private final Map<String, Object> fields;
    private RecordFormat lastFormat;
    private RecordFormat lastWithFields;
    /** Read and replaced by any writer thread: an immutable value, so a race costs only a rebuild. */
    private volatile Layout layout;

    /** @param fields field name to value: a String, a Long or null, in the order they are added */
    public MessageFields(Map<String, Object> fields) {
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public Map<String, Object> asMap() {
        return fields;
    }

    public boolean isEmpty() {
        return fields.isEmpty();
    }

    /**
     * {@code format}, with these fields added to what it parses. Records of one message share a format (a CSV file's
     * header, say), so the last one made is reused; only the reading thread calls this.
     */
    public RecordFormat addTo(RecordFormat format) {
        if (fields.isEmpty()) {
            return format;
        }
        if (format != lastFormat) {
            lastWithFields = new WithMessageFields(format, this);
            lastFormat = format;
        }
        return lastWithFields;
    }

    /** The fields a record was read with, or none. */
    public static MessageFields of(RecordFormat format) {
        return format instanceof WithMessageFields with ? with.fields() : NONE;
    }

    /**
     * {@code record}'s fields followed by these; a record field these name is replaced, in its place. Records of one
     * CSV header share their names list, and then share the result's too, so a sink still maps names once per header.
     */
    ParsedRecord appendTo(ParsedRecord record) {
        Layout layout = this.layout;
        if (layout == null || layout.recordNames != record.names()) {
            layout = new Layout(record.names(), fields.keySet());
            this.layout = layout;
        }
        Object[] values = Arrays.copyOf(record.values(), layout.names.size());
        int i = 0;
        for (Object value : fields.values()) {
            values[layout.positions[i++]] = value;
        }
        return new ParsedRecord(layout.names, values);
    }

    /** Where each of these fields goes among a record's names. */
    private static final class Layout {
        final List<String> recordNames;
        final List<String> names;
        final int[] positions;

        Layout(List<String> recordNames, Collection<String> fieldNames) {
            this.recordNames = recordNames;
            List<String> names = new ArrayList<>(recordNames);
            positions = new int[fieldNames.size()];
            int i = 0;
            for (String field : fieldNames) {
                int at = names.indexOf(field);
                if (at < 0) {
                    at = names.size();
                    names.add(field);
                }
                positions[i++] = at;
            }
            this.names = Collections.unmodifiableList(names);
        }
    }
}
