package dev.tether.servlet.endpoint;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/** Reads the type argument a class gives a generic interface, e.g. {@code Chat} in {@code TextDecoder<Chat>}. */
final class TypeArgument {
    private TypeArgument() {
    }

    /**
     * The class given as the type argument of {@code genericInterface} by {@code implementation} or
     * one of its superclasses, or null when it is not a concrete class (a raw or a variable type).
     */
    static Class<?> of(Class<?> implementation, Class<?> genericInterface) {
        for (Class<?> c = implementation; c != null; c = c.getSuperclass()) {
            for (Type type : c.getGenericInterfaces()) {
                if (type instanceof ParameterizedType p && p.getRawType() == genericInterface) {
                    Type argument = p.getActualTypeArguments()[0];
                    if (argument instanceof Class<?> k) {
                        return k;
                    }
                    if (argument instanceof ParameterizedType pa && pa.getRawType() instanceof Class<?> raw) {
                        return raw;
                    }
                    return null;
                }
            }
        }
        return null;
    }
}
