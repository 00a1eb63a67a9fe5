package dev.tether.servlet.endpoint;

import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Converts a path variable's text to the type of a {@code @PathParam} parameter: String, the
 * primitives and their boxes, enums. Chosen once per parameter at registration, run once per
 * connection.
 */
final class PathValueConverter {
    private static final Map<Class<?>, Function<String, Object>> CONVERSIONS = Map.ofEntries(
            Map.entry(String.class, s -> s),
            Map.entry(int.class, Integer::valueOf), Map.entry(Integer.class, Integer::valueOf),
            Map.entry(long.class, Long::valueOf), Map.entry(Long.class, Long::valueOf),
            Map.entry(short.class, Short::valueOf), Map.entry(Short.class, Short::valueOf),
            Map.entry(byte.class, Byte::valueOf), Map.entry(Byte.class, Byte::valueOf),
            Map.entry(double.class, Double::valueOf), Map.entry(Double.class, Double::valueOf),
            Map.entry(float.class, Float::valueOf), Map.entry(Float.class, Float::valueOf),
            Map.entry(boolean.class, PathValueConverter::strictBoolean), Map.entry(Boolean.class, PathValueConverter::strictBoolean),
            Map.entry(char.class, PathValueConverter::singleChar), Map.entry(Character.class, PathValueConverter::singleChar));

    private final Class<?> type;
    private final Function<String, Object> conversion;

    private PathValueConverter(Class<?> type, Function<String, Object> conversion) {
        this.type = type;
        this.conversion = conversion;
    }

    /** The converter for {@code type}, or null when a path parameter cannot have that type. */
    static PathValueConverter forType(Class<?> type) {
        if (type.isEnum()) {
            return new PathValueConverter(type, text -> enumConstant(type, text));
        }
        Function<String, Object> conversion = CONVERSIONS.get(type);
        return conversion == null ? null : new PathValueConverter(type, conversion);
    }

    /**
     * Converts {@code text}.
     *
     * @throws IllegalArgumentException with a message fit for the client ("not an int")
     */
    Object convert(String text) {
        try {
            return conversion.apply(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not " + article(type.getSimpleName()), e);
        }
    }

    private static Object strictBoolean(String text) {
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.valueOf(text);
        }
        throw new IllegalArgumentException(text);
    }

    private static Object singleChar(String text) {
        if (text.length() != 1) {
            throw new IllegalArgumentException(text);
        }
        return text.charAt(0);
    }

    /** The constant named {@code text}, compared exactly and then ignoring case (URLs are often lower case). */
    private static Object enumConstant(Class<?> type, String text) {
        Object[] constants = type.getEnumConstants();
        for (Object constant : constants) {
            if (((Enum<?>) constant).name().equals(text)) {
                return constant;
            }
        }
        for (Object constant : constants) {
            if (((Enum<?>) constant).name().equalsIgnoreCase(text)) {
                return constant;
            }
        }
        throw new IllegalArgumentException(text);
    }

    private static String article(String noun) {
        return ("aeiou".indexOf(noun.toLowerCase(Locale.ROOT).charAt(0)) >= 0 ? "an " : "a ") + noun;
    }
}
