package io.batchpipeline.source;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.batchpipeline.record.JsonText;
import io.batchpipeline.record.MalformedRecordException;
import io.batchpipeline.record.NumberText;
import io.batchpipeline.record.ParsedRecord;
import io.batchpipeline.record.RecordFormat;

/**
 * One JSON object, read with Jackson's streaming parser. Scalars become Java values (text, exact numbers, booleans,
 * null); nested objects and arrays are kept as their JSON text, as written ({@link JsonText}), for the sink to store. A number keeps its
 * text where Java would print it otherwise ({@link NumberText}: {@code -0}, {@code 1e2}).
 */
final class JsonRecordFormat implements RecordFormat {

    private final JsonFactory factory;

    JsonRecordFormat(JsonFactory factory) {
        this.factory = factory;
    }

    static final String SPEC = "jsonl";

    /** A line is one object: a key given twice, or text after the object, rejects the record instead of dropping data. */
    static final JsonRecordFormat STANDARD = new JsonRecordFormat(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build());

    @Override
    public String spec() {
        return SPEC;
    }

    @Override
    public ParsedRecord parse(String raw) {
        try (JsonParser parser = factory.createParser(raw)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new MalformedRecordException("expected a JSON object, found " + (first == null ? "nothing" : describe(first)));
            }
            List<String> names = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                names.add(parser.currentName());
                parser.nextToken();
                values.add(value(parser, raw));
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

    private static Object value(JsonParser parser, String raw) throws IOException {
        return switch (parser.currentToken()) {
            case VALUE_NULL -> null;
            case VALUE_STRING -> parser.getText();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NUMBER_INT -> number(parser.getText(), parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? parser.getBigIntegerValue() : (Object) parser.getLongValue());
            case VALUE_NUMBER_FLOAT -> number(parser.getText(), parser.getDecimalValue());
            case START_OBJECT, START_ARRAY -> {
                int start = (int) parser.currentTokenLocation().getCharOffset();
                parser.skipChildren();
                yield new JsonText(raw.substring(start, (int) parser.currentLocation().getCharOffset()));
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
