package io.batchpipeline.deadletter;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchpipeline.record.MessageFields;
import io.batchpipeline.record.SourceRecord;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.ProducerTemplate;

/**
 * Sends rejected records to the pipeline's dead-letter endpoint ({@code deadletter.uri}), one JSON line each
 * with the reason, the source and the line number, and the record exactly as it was read. Any Camel
 * endpoint works; the default is an append-mode file.
 */
public class DeadLetters implements CamelContextAware {

    private final ObjectMapper mapper = new ObjectMapper();

    public DeadLetters() {
        mapper.getFactory().setCharacterEscapes(new SurrogateEscapes());
    }

    /**
     * Writes UTF-16 surrogates as JSON escapes ({@code \\ud83d}): half an emoji in a record or a parser's message
     * cannot be encoded as UTF-8, and the entry would be lost. Escaped, it reads back exactly; other characters
     * stay as they are.
     */
    private static final class SurrogateEscapes extends CharacterEscapes {

        private final int[] ascii = standardAsciiEscapesForJSON();

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return Character.isSurrogate((char) ch) ? new SerializedString(String.format("\\u%04x", ch)) : null;
        }
    }
    private CamelContext camelContext;
    private ProducerTemplate producer;

    public void reject(String endpointUri, String pipeline, SourceRecord record, String reason) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("time", Instant.now().toString());
        entry.put("pipeline", pipeline);
        entry.put("source", record.source());
        entry.put("line", record.line());
        entry.put("reason", reason);
        entry.put("record", record.raw());
        MessageFields message = MessageFields.of(record.format());
        if (!message.isEmpty()) { // what source.metadata took from the message: its id, offset, chosen headers
            entry.put("message", message.asMap());
        }
        send(endpointUri, entry);
    }

    // serialised: the default endpoint appends to a file, which concurrent writers would interleave
    private synchronized void send(String endpointUri, Map<String, Object> entry) {
        try {
            producer().sendBody(endpointUri, mapper.writeValueAsString(entry) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a dead-letter entry", e);
        }
    }

    private ProducerTemplate producer() {
        if (producer == null) {
            producer = camelContext.createProducerTemplate();
        }
        return producer;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }
}
