package dev.tether.servlet.endpoint;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Called when something went wrong: another endpoint method threw, a decoder failed
 * ({@code DecodeException}), or the connection failed (protocol error, I/O error, limit hit). The
 * method is public, returns void, and takes a {@code Throwable} plus, in any order, any of: the
 * {@code WebSocket}, the {@code HandshakeInfo}, and {@link PathParam} parameters.
 *
 * <p>An exception thrown by another endpoint method is handed here and the connection stays open
 * (close it here if it should not). Without an {@code @OnError} method such an exception is logged
 * and the connection closed with 1011.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnError {
}
