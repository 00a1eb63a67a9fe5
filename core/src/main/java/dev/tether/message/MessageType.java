package dev.tether.message;

/** The two kinds of data message. */
public enum MessageType {
    TEXT,
    BINARY
}
