package dev.tether.message;

/** The two kinds of data message. */
public enum MessageType {
    /** A text message: its payload is UTF-8 (opcode 0x1, RFC 6455 §5.6). */
    TEXT,
    /** A binary message: its payload is arbitrary bytes (opcode 0x2, RFC 6455 §5.6). */
    BINARY
}
