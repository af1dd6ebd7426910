package io.batchpipeline.source;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Whether a message's body (a bus message, an HTTP request) can be read in a pipeline's format at all, judged by
 * its first character: an empty body, or JSON sent to a CSV pipeline (which would otherwise be taken for a header
 * line, and its records misread), is refused whole with the reason, never loaded in part.
 */
public final class MessageBody {

    private MessageBody() {
    }

    /** Why the body cannot be read in {@code format}; null when it may be. */
    public static String unreadable(byte[] body, SourceFormat format) {
        int first = 0;
        while (body != null && first < body.length && Character.isWhitespace(body[first])) {
            first++;
        }
        if (body == null || first == body.length) {
            return "the body is empty: send " + format.name().toLowerCase(Locale.ROOT) + " records";
        }
        if (format == SourceFormat.CSV && (body[first] == '{' || body[first] == '[')) {
            return "the body looks like JSON, but this pipeline reads CSV with a header line (source.format)";
        }
        if (format == SourceFormat.JSONL && body[first] != '{') {
            return "the body is not JSON lines, one object per line (source.format), it starts with: "
                    + new String(body, first, Math.min(40, body.length - first), StandardCharsets.UTF_8);
        }
        return null;
    }
}
