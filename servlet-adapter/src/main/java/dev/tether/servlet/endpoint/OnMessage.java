package dev.tether.servlet.endpoint;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Called for each message of one kind. An endpoint has at most one such method per kind: text,
 * binary and pong. The method is public and takes exactly one message parameter plus, in any order,
 * any of: the {@code WebSocket}, the {@code HandshakeInfo}, {@link PathParam} parameters and, for
 * the partial forms, a {@code boolean} last-part flag. The message parameter decides how messages
 * arrive.
 *
 * <table>
 *   <caption>Message parameters</caption>
 *   <tr><th>kind</th><th>message parameter</th><th>messages arrive</th></tr>
 *   <tr><td>text</td><td>{@code String}; a type with a {@code TextDecoder}</td><td>whole</td></tr>
 *   <tr><td>text</td><td>{@code String} with {@code boolean last}</td><td>in parts</td></tr>
 *   <tr><td>text</td><td>{@code Reader}</td><td>as a stream</td></tr>
 *   <tr><td>binary</td><td>{@code byte[]} or {@code ByteBuffer}; a type with a {@code BinaryDecoder}</td>
 *       <td>whole</td></tr>
 *   <tr><td>binary</td><td>{@code byte[]} or {@code ByteBuffer}, with {@code boolean last}</td><td>in parts</td></tr>
 *   <tr><td>binary</td><td>{@code InputStream}</td><td>as a stream</td></tr>
 *   <tr><td>pong</td><td>{@code PongMessage}</td><td>whole</td></tr>
 * </table>
 *
 * <p><b>Whole</b>: one call once the message has all arrived; the connection holds it meanwhile,
 * within its {@code maxMessageLength} and {@code messageMemory}.
 *
 * <p><b>In parts</b>: one call per frame, as it arrives (a frame larger than the fragment size in
 * pieces of that size), in order, on the connection's event thread; {@code last} is true for the
 * final part of each message. Text parts hold whole characters (one the peer's frames cut in two
 * comes whole with the next part), so a part may be empty, as may a binary one. A
 * {@code ByteBuffer} part is the method's to keep; a {@code byte[]} part is the received array when
 * the part fills it exactly, else a copy.
 *
 * <p><b>As a stream</b>: one call per message, on an application thread (the connection's
 * executor), as soon as its first frame arrives; the method reads the message as it comes, each
 * read waiting for the peer. Reading from the peer pauses while the stream holds
 * {@code streamBufferSize} bytes the method has not read, so a message of any size passes in
 * bounded memory at the pace of the method. The connection's next events (the next message,
 * {@link OnClose}) wait until the method returns: read the message in the call, or copy what is
 * needed; what is left unread when it returns is skipped. If the connection ends before the message
 * does, a read throws an {@code IOException}: let it propagate (declare {@code throws IOException})
 * and it is not reported to {@link OnError}, as it is the connection's end, which {@link OnClose}
 * reports next. Other exceptions go to {@code @OnError}, as from any method (a stream that fails
 * for another reason, read after its {@code close()} or interrupted, also closes the connection
 * with 1011).
 *
 * <p>Messages received in parts or as a stream are still held to {@code maxMessageLength}, all their
 * frames together. For messages of any size, set it to {@code DriverOptions.NO_MESSAGE_LIMIT} in the
 * endpoint's {@link EndpointConfigurator#configure} (each frame is still held to
 * {@code maxFrameLength}; a message received whole stays bounded by its array and
 * {@code messageMemory}).
 *
 * <p>A return value that is not null is sent back as a whole message: {@code String} (and
 * primitives, boxed primitives) as text, {@code byte[]} and {@code ByteBuffer} as binary, any other
 * type through its {@code TextEncoder} or {@code BinaryEncoder}. A method that takes parts sends
 * what each call returns, as a message of its own (as JSR-356 implementations do: a part-by-part
 * echo sends one message per part, not one message in parts); a stream method sends it when it
 * returns. To answer in parts, call {@code WebSocket.sendPart} instead.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnMessage {
}
