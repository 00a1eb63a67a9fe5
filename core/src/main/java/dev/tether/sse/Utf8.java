package dev.tether.sse;

/**
 * UTF-8 sizing and encoding of string ranges, so the encoder can allocate its output exactly once.
 * An unpaired surrogate encodes as {@code '?'}, as {@link String#getBytes(java.nio.charset.Charset)} does.
 */
final class Utf8 {
    private Utf8() {
    }

    /** The number of UTF-8 bytes for {@code text[from, to)}. */
    static int length(String text, int from, int to) {
        int bytes = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (isPairAt(text, i, to)) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes += 1;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** Writes {@code text[from, to)} as UTF-8 into {@code out} at {@code pos}; returns the position after it. */
    static int write(String text, int from, int to, byte[] out, int pos) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                out[pos++] = (byte) c;
            } else if (c < 0x800) {
                out[pos++] = (byte) (0xC0 | c >> 6);
                out[pos++] = (byte) (0x80 | c & 0x3F);
            } else if (isPairAt(text, i, to)) {
                int codePoint = Character.toCodePoint(c, text.charAt(++i));
                out[pos++] = (byte) (0xF0 | codePoint >> 18);
                out[pos++] = (byte) (0x80 | codePoint >> 12 & 0x3F);
                out[pos++] = (byte) (0x80 | codePoint >> 6 & 0x3F);
                out[pos++] = (byte) (0x80 | codePoint & 0x3F);
            } else if (Character.isSurrogate(c)) {
                out[pos++] = '?';
            } else {
                out[pos++] = (byte) (0xE0 | c >> 12);
                out[pos++] = (byte) (0x80 | c >> 6 & 0x3F);
                out[pos++] = (byte) (0x80 | c & 0x3F);
            }
        }
        return pos;
    }

    private static boolean isPairAt(String text, int i, int to) {
        return Character.isHighSurrogate(text.charAt(i)) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1));
    }
}
