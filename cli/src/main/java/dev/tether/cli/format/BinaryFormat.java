package dev.tether.cli.format;

import java.nio.ByteBuffer;
import java.util.Base64;

/** How a binary message is printed: never as raw bytes, which could be anything to a terminal. */
public enum BinaryFormat {
    /** Two lower-case hex digits per byte, separated by spaces: {@code 68 65 6c 6c 6f}. */
    HEX {
        @Override
        public String format(ByteBuffer data) {
            StringBuilder out = new StringBuilder(data.remaining() * 3);
            for (int i = data.position(); i < data.limit(); i++) {
                if (i > data.position()) out.append(' ');
                int b = data.get(i) & 0xff;
                out.append(DIGITS[b >>> 4]).append(DIGITS[b & 0xf]);
            }
            return out.toString();
        }
    },
    /** Standard Base64 with padding: {@code aGVsbG8=}. */
    BASE64 {
        @Override
        public String format(ByteBuffer data) {
            return Base64.getEncoder().encodeToString(bytes(data));
        }
    };

    /** A binary message shows this many bytes at most: a 64 MiB message is not 192 MB of hex on a screen. */
    public static final int SHOWN_BYTES = 1024;

    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    /**
     * The message from position to limit, the buffer unchanged.
     *
     * @param data the bytes to format, from position to limit
     * @return all of those bytes in this format
     */
    public abstract String format(ByteBuffer data);

    /**
     * How a received binary message reads: its size, then its bytes (the first {@value #SHOWN_BYTES} of them).
     *
     * @param data the message, from position to limit; left unchanged
     * @return e.g. {@code [binary, 5 bytes] 68 65 6c 6c 6f}, with how many bytes were left out when it is longer
     */
    public String describe(ByteBuffer data) {
        int size = data.remaining();
        String head = "[binary, " + size + (size == 1 ? " byte" : " bytes") + "]";
        if (size == 0) return head;
        if (size <= SHOWN_BYTES) return head + " " + format(data);
        ByteBuffer shown = data.duplicate();
        shown.limit(shown.position() + SHOWN_BYTES);
        return head + " " + format(shown) + " … (" + (size - SHOWN_BYTES) + " more)";
    }

    static byte[] bytes(ByteBuffer data) {
        byte[] bytes = new byte[data.remaining()];
        data.duplicate().get(bytes);
        return bytes;
    }
}
