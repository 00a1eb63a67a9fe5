package dev.tether.driver.hybi;

import dev.tether.driver.Hex;
import dev.tether.driver.Transcript;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds frames byte by byte for test vectors, including malformed ones, masking with a naive loop
 * so the code under test is checked against an independent reference.
 */
final class RawFrame {
    private boolean fin = true;
    private int rsv;
    private final int opcode;
    private byte[] payload = new byte[0];
    private Integer maskKey = 0x37FA213D;
    private Integer forcedLengthByte;
    private byte[] forcedExtendedLength;

    private RawFrame(int opcode) {
        this.opcode = opcode;
    }

    static RawFrame text(String text) {
        return new RawFrame(Opcode.TEXT).payload(text.getBytes(StandardCharsets.UTF_8));
    }

    static RawFrame op(int opcode) {
        return new RawFrame(opcode);
    }

    RawFrame payload(byte[] bytes) {
        this.payload = bytes;
        return this;
    }

    RawFrame payload(String hex) {
        return payload(Hex.bytes(hex));
    }

    RawFrame fin(boolean value) {
        this.fin = value;
        return this;
    }

    RawFrame rsv(int bits) {
        this.rsv = bits;
        return this;
    }

    RawFrame unmasked() {
        this.maskKey = null;
        return this;
    }

    RawFrame mask(int key) {
        this.maskKey = key;
        return this;
    }

    /** Writes this length byte and extended length instead of the right ones (payload unchanged). */
    RawFrame lengthAs(int lengthByte, byte[] extended) {
        this.forcedLengthByte = lengthByte;
        this.forcedExtendedLength = extended;
        return this;
    }

    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | rsv | opcode);
        int maskBit = maskKey != null ? 0x80 : 0;
        int n = payload.length;
        if (forcedLengthByte != null) {
            out.write(maskBit | forcedLengthByte);
            out.writeBytes(forcedExtendedLength);
        } else if (n < 126) {
            out.write(maskBit | n);
        } else if (n <= 0xFFFF) {
            out.write(maskBit | 126);
            out.write(n >>> 8);
            out.write(n);
        } else {
            out.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) n >>> shift));
            }
        }
        if (maskKey == null) {
            out.writeBytes(payload);
        } else {
            byte[] key = {(byte) (maskKey >>> 24), (byte) (maskKey >>> 16), (byte) (maskKey >>> 8), (byte) (int) maskKey};
            out.writeBytes(key);
            for (int i = 0; i < n; i++) {
                out.write(payload[i] ^ key[i % 4]);
            }
        }
        return out.toByteArray();
    }
}
