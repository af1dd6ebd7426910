package io.batchpipeline.source;

/**
 * Whether bytes are well-formed UTF-8 (RFC 3629: shortest form, no surrogates, nothing above U+10FFFF), as the
 * JDK's strict decoder judges them.
 *
 * <p>Hand-written because the JDK can only tell by decoding: a strict decoder and a char buffer per bus message were
 * a tenth of a Kafka consumer's time and 190 MB of garbage per million one-record messages. Guava's
 * {@code Utf8.isWellFormed} does the same, but is not worth a 3 MB dependency for this loop.
 */
final class Utf8Validation {

    private Utf8Validation() {
    }

    static boolean isWellFormed(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            int b = bytes[i];
            if (b >= 0) { // ASCII
                i++;
                continue;
            }
            b &= 0xFF;
            if (b < 0xC2) { // a continuation byte first, or an overlong two-byte form
                return false;
            }
            if (b < 0xE0) {
                if (i + 1 >= to || !continuation(bytes[i + 1])) {
                    return false;
                }
                i += 2;
            } else if (b < 0xF0) {
                if (i + 2 >= to) {
                    return false;
                }
                int second = bytes[i + 1] & 0xFF;
                // E0 needs A0..BF (shorter forms are overlong), ED needs 80..9F (above are surrogates)
                int low = b == 0xE0 ? 0xA0 : 0x80;
                int high = b == 0xED ? 0x9F : 0xBF;
                if (second < low || second > high || !continuation(bytes[i + 2])) {
                    return false;
                }
                i += 3;
            } else if (b < 0xF5) {
                if (i + 3 >= to) {
                    return false;
                }
                int second = bytes[i + 1] & 0xFF;
                // F0 needs 90..BF (shorter forms are overlong), F4 needs 80..8F (above is beyond U+10FFFF)
                int low = b == 0xF0 ? 0x90 : 0x80;
                int high = b == 0xF4 ? 0x8F : 0xBF;
                if (second < low || second > high || !continuation(bytes[i + 2]) || !continuation(bytes[i + 3])) {
                    return false;
                }
                i += 4;
            } else {
                return false; // F5..FF never occur in UTF-8
            }
        }
        return true;
    }

    private static boolean continuation(byte b) {
        return (b & 0xC0) == 0x80;
    }
}
