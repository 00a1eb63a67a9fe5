package dev.tether.servlet.endpoint;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Called for each message of one kind. An endpoint has at most one such method per kind: text,
 * binary and pong. The method is public and takes exactly one message parameter plus, in any order,
 * any of: the {@code WebSocket}, the {@code HandshakeInfo}, and {@link PathParam} parameters.
 *
 * <table>
 *   <caption>Message parameters</caption>
 *   <tr><th>kind</th><th>message parameter</th></tr>
 *   <tr><td>text</td><td>{@code String}; {@code String} with {@code boolean last}; {@code Reader};
 *       a type with a {@code TextDecoder}</td></tr>
 *   <tr><td>binary</td><td>{@code byte[]} or {@code ByteBuffer}, either with {@code boolean last};
 *       {@code InputStream}; a type with a {@code BinaryDecoder}</td></tr>
 *   <tr><td>pong</td><td>{@code PongMessage}</td></tr>
 * </table>
 *
 * <p>Messages arrive whole: the partial forms receive each message once with {@code last} true, and
 * {@code Reader}/{@code InputStream} read a message that has already arrived.
 *
 * <p>A return value that is not null is sent back: {@code String} (and primitives, boxed
 * primitives) as text, {@code byte[]} and {@code ByteBuffer} as binary, any other type through its
 * {@code TextEncoder} or {@code BinaryEncoder}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnMessage {
}
