package io.batchpipeline.source;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.batchpipeline.record.JsonText;
import io.batchpipeline.record.MalformedRecordException;
import io.batchpipeline.record.NumberText;
import io.batchpipeline.record.ParsedRecord;
import io.batchpipeline.record.RecordFormat;
import io.batchpipeline.record.RecordText;

/**
 * One JSON object, read with Jackson's streaming parser. Scalars become Java values (text, exact numbers, booleans,
 * null); nested objects and arrays are kept as their JSON text, as written ({@link JsonText}), for the sink to store. A number keeps its
 * text where Java would print it otherwise ({@link NumberText}: {@code -0}, {@code 1e2}).
 */
final class JsonRecordFormat implements RecordFormat {

    static final String SPEC = "jsonl";

    /** A line is one object: a key given twice, or text after the object, rejects the record instead of dropping data. */
    static final JsonRecordFormat STANDARD = new JsonRecordFormat();

    /**
     * Parses a flat object, whose keys {@link #read} checks itself: Jackson's own check made a hash set per record, a
     * tenth of a writer's time. A record with a nested object or array is parsed again with {@link #NESTED}.
     */
    private static final JsonFactory FLAT = new JsonFactory();
    /** Jackson's own check of keys given twice, at every depth. */
    private static final JsonFactory NESTED = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    /** Up to this many keys are compared one with another; more go into a hash set. */
    private static final int KEYS_COMPARED = 16;

    private JsonRecordFormat() {
    }

    @Override
    public String spec() {
        return SPEC;
    }

    @Override
    public ParsedRecord parse(String raw) {
        return parse(factory -> factory.createParser(raw), (start, end) -> raw.substring((int) start.getCharOffset(), (int) end.getCharOffset()));
    }

    /** A record read as UTF-8 is parsed from its bytes: decoding it into a String first was a tenth of a writer's time. */
    @Override
    public ParsedRecord parse(RecordText text) {
        if (!text.isUtf8()) {
            return parse(text.string());
        }
        byte[] utf8 = text.utf8();
        return parse(factory -> factory.createParser(utf8), (start, end) -> new String(utf8, (int) start.getByteOffset(),
                (int) (end.getByteOffset() - start.getByteOffset()), StandardCharsets.UTF_8));
    }

    /** A record's text, given to a parser. */
    private interface Input {
        JsonParser open(JsonFactory factory) throws IOException;
    }

    /** The text between two of the parser's locations: a nested object or array, as written. */
    private interface Slice {
        String between(JsonLocation start, JsonLocation end);
    }

    private static ParsedRecord parse(Input input, Slice slice) {
        ParsedRecord flat = read(input, FLAT, slice);
        return flat != null ? flat : read(input, NESTED, slice);
    }

    /** The record's fields; null for a record that is not flat, read with {@link #FLAT}. */
    private static ParsedRecord read(Input input, JsonFactory factory, Slice slice) {
        try (JsonParser parser = input.open(factory)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new MalformedRecordException("expected a JSON object, found " + (first == null ? "nothing" : describe(first)));
            }
            List<String> names = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            Set<String> seen = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken token = parser.nextToken();
                if (factory == FLAT) {
                    if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                        return null;
                    }
                    seen = requireNew(name, names, seen);
                }
                names.add(name);
                values.add(value(parser, slice));
            }
            if (parser.nextToken() != null) {
                throw new MalformedRecordException("malformed JSON: text after the object at column "
                        + parser.currentTokenLocation().getColumnNr());
            }
            return new ParsedRecord(names, values.toArray());
        } catch (JsonProcessingException e) {
            throw new MalformedRecordException("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException | RuntimeException e) { // e.g. a number whose exponent BigDecimal cannot hold
            if (e instanceof MalformedRecordException malformed) {
                throw malformed;
            }
            throw new MalformedRecordException("malformed JSON: " + e);
        }
    }

    /** Refuses a key given before, in Jackson's words; the names seen so far once they are many. */
    private static Set<String> requireNew(String name, List<String> names, Set<String> seen) {
        if (seen == null && names.size() < KEYS_COMPARED) {
            if (names.contains(name)) {
                throw new MalformedRecordException("malformed JSON: Duplicate field '" + name + "'");
            }
            return null;
        }
        Set<String> all = seen != null ? seen : new HashSet<>(names);
        if (!all.add(name)) {
            throw new MalformedRecordException("malformed JSON: Duplicate field '" + name + "'");
        }
        return all;
    }

    private static Object value(JsonParser parser, Slice slice) throws IOException {
        return switch (parser.currentToken()) {
            case VALUE_NULL -> null;
            case VALUE_STRING -> parser.getText();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NUMBER_INT -> number(parser.getText(), parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? parser.getBigIntegerValue() : (Object) parser.getLongValue());
            case VALUE_NUMBER_FLOAT -> number(parser.getText(), parser.getDecimalValue());
            case START_OBJECT, START_ARRAY -> {
                JsonLocation start = parser.currentTokenLocation();
                parser.skipChildren();
                yield new JsonText(slice.between(start, parser.currentLocation()));
            }
            default -> throw new MalformedRecordException("malformed JSON: unexpected " + describe(parser.currentToken()));
        };
    }

    /** The value as Java holds it if it prints as it was written; otherwise its text too. */
    private static Object number(String text, Object value) {
        if (value.toString().equals(text)) {
            return value;
        }
        return new NumberText(text, value instanceof BigDecimal decimal ? decimal : new BigDecimal(text));
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> "'" + token.asString() + "'";
        };
    }
}
