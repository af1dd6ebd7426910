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
            if (b < 0xC2 || b > 0xF4) { // a continuation byte first, an overlong two-byte form, or F5..FF, never in UTF-8
                return false;
            }
            int length = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
            // the second byte's range: E0 and F0 above the overlong forms, ED below the surrogates, F4 up to U+10FFFF
            int low = b == 0xE0 ? 0xA0 : b == 0xF0 ? 0x90 : 0x80;
            int high = b == 0xED ? 0x9F : b == 0xF4 ? 0x8F : 0xBF;
            if (i + length > to) {
                return false;
            }
            int second = bytes[i + 1] & 0xFF;
            if (second < low || second > high) {
                return false;
            }
            for (int k = 2; k < length; k++) {
                if (!continuation(bytes[i + k])) {
                    return false;
                }
            }
            i += length;
        }
        return true;
    }

    private static boolean continuation(byte b) {
        return (b & 0xC0) == 0x80;
    }
}
