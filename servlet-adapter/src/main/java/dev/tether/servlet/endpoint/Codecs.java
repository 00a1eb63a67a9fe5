package dev.tether.servlet.endpoint;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The decoders and encoders an endpoint lists, made once at registration, each with the type it
 * handles; finds the one for a parameter or return type. Problems go to the endpoint's list.
 */
final class Codecs {
    /** A codec instance and the type it decodes or encodes. */
    record Entry(Class<?> type, Object instance) {
    }

    private final List<Entry> textDecoders = new ArrayList<>();
    private final List<Entry> binaryDecoders = new ArrayList<>();
    private final List<Entry> textEncoders = new ArrayList<>();
    private final List<Entry> binaryEncoders = new ArrayList<>();

    Codecs(Class<?>[] decoders, Class<?>[] encoders, List<String> problems) {
        for (Class<?> decoder : decoders) {
            add(decoder, "decoder", TextDecoder.class, BinaryDecoder.class, textDecoders, binaryDecoders, problems);
        }
        for (Class<?> encoder : encoders) {
            add(encoder, "encoder", TextEncoder.class, BinaryEncoder.class, textEncoders, binaryEncoders, problems);
        }
    }

    private static void add(Class<?> codec, String role, Class<?> textInterface, Class<?> binaryInterface,
                            List<Entry> texts, List<Entry> binaries, List<String> problems) {
        boolean text = textInterface.isAssignableFrom(codec);
        boolean binary = binaryInterface.isAssignableFrom(codec);
        if (!text && !binary) {
            problems.add(role + " " + codec.getName() + " implements neither " + textInterface.getSimpleName()
                    + " nor " + binaryInterface.getSimpleName());
            return;
        }
        Object instance = instantiate(codec, role, problems);
        if (text) {
            typed(codec, role, textInterface, instance, texts, problems);
        }
        if (binary) {
            typed(codec, role, binaryInterface, instance, binaries, problems);
        }
    }

    private static void typed(Class<?> codec, String role, Class<?> genericInterface, Object instance,
                              List<Entry> into, List<String> problems) {
        Class<?> type = TypeArgument.of(codec, genericInterface);
        if (type == null) {
            problems.add(role + " " + codec.getName() + ": cannot tell which type it handles; implement "
                    + genericInterface.getSimpleName() + "<YourType> with a concrete type");
        } else if (instance != null) {
            into.add(new Entry(type, instance));
        }
    }

    private static Object instantiate(Class<?> codec, String role, List<String> problems) {
        if (!Modifier.isPublic(codec.getModifiers()) || Modifier.isAbstract(codec.getModifiers())) {
            problems.add(role + " " + codec.getName() + " must be a public concrete class");
            return null;
        }
        try {
            return codec.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            problems.add(role + " " + codec.getName() + " must have a public no-arg constructor");
        } catch (ReflectiveOperationException | RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            problems.add(role + " " + codec.getName() + " could not be made: " + cause);
        }
        return null;
    }

    /** The text decoder producing {@code type} (exactly, else a subtype), or null. */
    TextDecoder<?> textDecoder(Class<?> type) {
        Entry entry = find(textDecoders, type, false);
        return entry == null ? null : (TextDecoder<?>) entry.instance();
    }

    BinaryDecoder<?> binaryDecoder(Class<?> type) {
        Entry entry = find(binaryDecoders, type, false);
        return entry == null ? null : (BinaryDecoder<?>) entry.instance();
    }

    /** The text encoder accepting {@code type} (exactly, else a supertype of it), or null. */
    TextEncoder<?> textEncoder(Class<?> type) {
        Entry entry = find(textEncoders, type, true);
        return entry == null ? null : (TextEncoder<?>) entry.instance();
    }

    BinaryEncoder<?> binaryEncoder(Class<?> type) {
        Entry entry = find(binaryEncoders, type, true);
        return entry == null ? null : (BinaryEncoder<?>) entry.instance();
    }

    private static Entry find(List<Entry> entries, Class<?> type, boolean codecTakesSupertype) {
        for (Entry entry : entries) {
            if (entry.type() == type) {
                return entry;
            }
        }
        for (Entry entry : entries) {
            if (codecTakesSupertype ? entry.type().isAssignableFrom(type) : type.isAssignableFrom(entry.type())) {
                return entry;
            }
        }
        return null;
    }
}
