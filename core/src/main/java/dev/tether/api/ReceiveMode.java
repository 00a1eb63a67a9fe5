package dev.tether.api;

/**
 * How a listener takes the messages of one type ({@link WebSocketListener#receiveMode}).
 */
public enum ReceiveMode {
    /**
     * Each message whole, once it has all arrived: {@link WebSocketListener#onText} and
     * {@link WebSocketListener#onBinary}. Memory: the message, held to {@code maxMessageLength} and
     * the shared {@code messageMemory} budget.
     */
    WHOLE,
    /**
     * Each message in parts as its frames arrive: {@link WebSocketListener#onTextPart} and
     * {@link WebSocketListener#onBinaryPart}, on the connection's event thread, in order. Memory: one
     * part (at most {@code fragmentSize}) at a time while the listener keeps up; a listener that
     * hands parts to other threads uses {@link WebSocket#pause()} to hold the peer back.
     */
    PARTS,
    /**
     * Each message as a stream read on an application thread: {@link WebSocketListener#onTextStream}
     * and {@link WebSocketListener#onBinaryStream}. Reading from the peer pauses while the stream
     * holds {@code streamBufferSize} bytes the application has not read, so a message of any size
     * passes in bounded memory at the pace of its reader.
     */
    STREAM
}
