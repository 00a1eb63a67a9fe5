package dev.tether.api;

import dev.tether.message.MessageType;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.UnaryOperator;

/**
 * A listener that forwards every message its connection receives to a target connection (or back to
 * its own: {@link #echo()}), part by part as the frames arrive, so a message of any size passes
 * through in the memory of a few parts. Message boundaries and types are kept; how a message is cut
 * into frames may change. A message that arrives in one frame is sent as one.
 *
 * <p>Backpressure: when the target is no longer {@linkplain WebSocket#isWritable() writable} after
 * a part, the source is {@linkplain WebSocket#pause() paused} until that part has been written, so
 * a slow target slows the source down instead of filling memory.
 *
 * <p>Ends: when the source closes, a separate target is closed too (with the source's code, or 1001
 * when that code may not be sent); when forwarding to the target fails, the source is closed with
 * 1001. Messages received whole are not what a pipe does: set the source's {@code maxMessageLength}
 * to what should pass ({@code NO_MESSAGE_LIMIT} for any size).
 *
 * <pre>{@code
 * protected WebSocketListener newListener(HttpServletRequest request) {
 *     return MessagePipe.echo();
 * }
 * }</pre>
 *
 * One pipe serves one source connection (it keeps track of the message in progress). Subclasses
 * may add to what the pipe does (override and call {@code super}).
 */
public class MessagePipe implements WebSocketListener {
    private final UnaryOperator<WebSocket> target;
    /** A message is being forwarded in parts: its first part has gone, its last has not. */
    private boolean inMessage;

    /**
     * A pipe to the connection {@code target} gives for the source it is the listener of: the source
     * itself for an echo, or another connection.
     *
     * @param target maps the source connection to the connection its messages go to
     */
    protected MessagePipe(UnaryOperator<WebSocket> target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    /**
     * A listener that sends each message back where it came from.
     *
     * @return a new echo pipe, for one source connection
     */
    public static MessagePipe echo() {
        return new MessagePipe(source -> source);
    }

    /**
     * A listener that forwards each message to {@code target}.
     *
     * @param target the connection the messages go to
     * @return a new pipe to {@code target}, for one source connection
     */
    public static MessagePipe to(WebSocket target) {
        Objects.requireNonNull(target, "target");
        return new MessagePipe(source -> target);
    }

    @Override
    public ReceiveMode receiveMode(MessageType type) {
        return ReceiveMode.PARTS;
    }

    @Override
    public void onTextPart(WebSocket socket, CharSequence text, boolean last) {
        WebSocket to = target.apply(socket);
        String part = text.toString();
        forwarded(socket, to, whole(last) ? to.send(part) : to.sendPart(part, last));
    }

    @Override
    public void onBinaryPart(WebSocket socket, ByteBuffer data, boolean last) {
        WebSocket to = target.apply(socket);
        forwarded(socket, to, whole(last) ? to.send(data) : to.sendPart(data, last));
    }

    /** Whether this part is a whole message (its first part is also its last); keeps track of message starts. */
    private boolean whole(boolean last) {
        boolean first = !inMessage;
        inMessage = !last;
        return first && last;
    }

    /** Holds the source back while the target is backed up, until the part just sent is written. */
    private static void forwarded(WebSocket source, WebSocket to, CompletionStage<Void> sent) {
        boolean paused = !to.isWritable();
        if (paused) {
            source.pause();
        }
        sent.whenComplete((ok, failed) -> {
            if (paused) {
                source.resume();
            }
            if (failed != null && to != source && source.readyState() == ReadyState.OPEN) {
                source.close(CloseCodes.GOING_AWAY, "the pipe's target failed");
            }
        });
    }

    @Override
    public void onClose(WebSocket socket, CloseStatus status) {
        WebSocket to = target.apply(socket);
        if (to != socket) {
            int code = status.code();
            to.close(CloseCodes.isValidOnWire(code) ? code : CloseCodes.GOING_AWAY, "");
        }
    }
}
