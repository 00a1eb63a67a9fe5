package dev.tether.servlet.endpoint;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A parameter that receives the value of a path template variable, e.g. {@code @PathParam("room")}
 * for {@code /chat/{room}}. Its type is {@code String}, a primitive, a boxed primitive or an enum;
 * a value that does not convert refuses the handshake with 400 and the reason.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface PathParam {

    /**
     * The variable's name, as written between the braces of the template.
     *
     * @return the name of the template variable
     */
    String value();
}
