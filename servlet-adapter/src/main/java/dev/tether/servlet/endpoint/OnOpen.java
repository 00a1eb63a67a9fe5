package dev.tether.servlet.endpoint;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Called when a connection opens. The method is public, returns void, and takes, in any order, any
 * of: the {@code WebSocket}, the {@code HandshakeInfo}, and {@link PathParam} parameters.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnOpen {
}
