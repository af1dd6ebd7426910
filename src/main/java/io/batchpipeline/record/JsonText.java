package io.batchpipeline.record;

/**
 * A nested JSON object or array, kept as the text it was written as: a JSON file gets it back as JSON, a text or
 * JSON column gets its text.
 */
public record JsonText(String json) {

    @Override
    public String toString() {
        return json;
    }
}
