package io.batchpipeline.deadletter;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchpipeline.record.MessageFields;
import io.batchpipeline.record.SourceRecord;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.file.GenericFileEndpoint;

/**
 * Sends rejected records to the pipeline's dead-letter endpoint ({@code deadletter.uri}), one JSON line each
 * with the reason, the source and the line number, and the record exactly as it was read. Any Camel
 * endpoint works; the default is an append-mode file, which gets the entries of one call in one append.
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
    /** Resolved once per URI: resolving one normalises and looks it up each time, which cost more than the send. */
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();

    /** A record to dead-letter, and why. */
    public record Entry(SourceRecord record, String reason) {
    }

    /** Told of each entry that could not be sent. */
    @FunctionalInterface
    public interface Failure {
        void failed(Entry entry, RuntimeException cause);
    }

    /**
     * Sends the entries, each a JSON line. A file endpoint gets them in one append (one open and write for a batch's
     * bad records, not one each); any other endpoint one message per entry.
     */
    public void reject(String endpointUri, String pipeline, List<Entry> entries, Failure failure) {
        if (entries.isEmpty()) {
            return;
        }
        Endpoint endpoint;
        try {
            endpoint = endpoints.computeIfAbsent(endpointUri, camelContext::getEndpoint);
        } catch (RuntimeException e) {
            entries.forEach(entry -> failure.failed(entry, e));
            return;
        }
        // one time for the entries of one call: they are rejected together, and formatting an Instant per entry cost
        // more than writing it
        String time = Instant.now().toString();
        if (endpoint instanceof GenericFileEndpoint<?>) {
            StringWriter lines = new StringWriter(entries.size() * 256);
            entries.forEach(entry -> write(lines, time, pipeline, entry));
            try {
                send(endpoint, lines.toString());
            } catch (RuntimeException e) {
                entries.forEach(entry -> failure.failed(entry, e));
            }
            return;
        }
        for (Entry entry : entries) {
            try {
                StringWriter line = new StringWriter(256);
                write(line, time, pipeline, entry);
                send(endpoint, line.toString());
            } catch (RuntimeException e) {
                failure.failed(entry, e);
            }
        }
    }

    /** One entry as a JSON line, field by field: a map through the ObjectMapper cost more, and more to compile. */
    private void write(StringWriter out, String time, String pipeline, Entry rejected) {
        SourceRecord record = rejected.record();
        try (JsonGenerator json = mapper.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("time", time);
            json.writeStringField("pipeline", pipeline);
            json.writeStringField("source", record.source());
            json.writeNumberField("line", record.line());
            json.writeStringField("reason", rejected.reason());
            json.writeStringField("record", record.raw());
            MessageFields message = MessageFields.of(record.format());
            if (!message.isEmpty()) { // what source.metadata took from the message: its id, offset, chosen headers
                json.writeObjectField("message", message.asMap());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise a dead-letter entry", e);
        }
        out.write('\n');
    }

    // serialised: the default endpoint appends to a file, which concurrent writers would interleave
    private synchronized void send(Endpoint endpoint, String body) {
        producer().sendBody(endpoint, body);
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
