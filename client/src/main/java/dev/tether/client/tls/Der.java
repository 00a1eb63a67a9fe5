package dev.tether.client.tls;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Just enough DER (ITU-T X.690) to read and wrap private keys: single-byte tags, definite lengths.
 * Errors are {@link IllegalArgumentException}s saying what was malformed.
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;
    /** [0] and [1], constructed: the optional fields of a SEC1 EC private key. */
    static final int CONTEXT_0 = 0xA0;
    static final int CONTEXT_1 = 0xA1;

    private Der() {
    }

    /** One element: its tag and its contents (without tag and length). */
    record Element(int tag, byte[] contents) {
        /** The elements inside this one, which must be constructed (a SEQUENCE, a [0] …). */
        Reader children() {
            return new Reader(contents);
        }
    }

    /** Reads consecutive elements from a byte array. */
    static final class Reader {
        private final byte[] bytes;
        private int position;

        Reader(byte[] bytes) {
            this.bytes = bytes;
        }

        boolean hasMore() {
            return position < bytes.length;
        }

        /** The next element, which must have the tag {@code expected}; {@code what} names it in errors. */
        Element next(int expected, String what) {
            Element element = next(what);
            if (element.tag() != expected) {
                throw new IllegalArgumentException(what + ": expected tag 0x" + Integer.toHexString(expected)
                        + ", found 0x" + Integer.toHexString(element.tag()));
            }
            return element;
        }

        Element next(String what) {
            if (position + 2 > bytes.length) throw truncated(what);
            int tag = bytes[position++] & 0xFF;
            if ((tag & 0x1F) == 0x1F) throw new IllegalArgumentException(what + ": multi-byte tags are not supported");
            int length = bytes[position++] & 0xFF;
            if (length > 0x7F) {
                int count = length & 0x7F;
                // four length bytes reach 2 GiB, far past any key; zero would be BER's indefinite form
                if (count == 0 || count > 4) throw new IllegalArgumentException(what + ": unsupported length encoding");
                if (position + count > bytes.length) throw truncated(what);
                long value = 0;
                for (int i = 0; i < count; i++) value = value << 8 | bytes[position++] & 0xFF;
                if (value > Integer.MAX_VALUE) throw truncated(what);
                length = (int) value;
            }
            if (length > bytes.length - position) throw truncated(what);
            Element element = new Element(tag, Arrays.copyOfRange(bytes, position, position + length));
            position += length;
            return element;
        }

        private static IllegalArgumentException truncated(String what) {
            return new IllegalArgumentException(what + ": truncated DER");
        }
    }

    /** The element {@code tag} holding the concatenation of {@code contents}. */
    static byte[] encode(int tag, byte[]... contents) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] part : contents) body.writeBytes(part);
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.size() + 6);
        out.write(tag);
        int length = body.size();
        if (length < 0x80) {
            out.write(length);
        } else {
            int count = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | count);
            for (int shift = (count - 1) * 8; shift >= 0; shift -= 8) out.write(length >>> shift);
        }
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    /** An object identifier's contents in dotted form, {@code 1.2.840.10045.2.1}. */
    static String oidToString(byte[] contents) {
        if (contents.length == 0) throw new IllegalArgumentException("empty object identifier");
        StringBuilder text = new StringBuilder();
        long value = 0;
        boolean first = true;
        for (int i = 0; i < contents.length; i++) {
            value = value << 7 | contents[i] & 0x7F;
            if ((contents[i] & 0x80) != 0) {
                if (i == contents.length - 1 || value > Long.MAX_VALUE >>> 7) {
                    throw new IllegalArgumentException("malformed object identifier");
                }
                continue;
            }
            if (first) {
                // the first subidentifier packs the first two arcs: 40 * a + b, with a at most 2
                long arc = Math.min(value / 40, 2);
                text.append(arc).append('.').append(value - 40 * arc);
                first = false;
            } else {
                text.append('.').append(value);
            }
            value = 0;
        }
        return text.toString();
    }
}
