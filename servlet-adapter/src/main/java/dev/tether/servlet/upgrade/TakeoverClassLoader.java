package dev.tether.servlet.upgrade;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Defines the classes that refer to Jetty ({@link JettyTakeover} and {@link JettyEndPointTransport},
 * with their nested classes) a second time, from the bytes in our own jar, under Jetty's class
 * loader, so that they link against Jetty's classes when the web application's class loader hides
 * them (Jetty's default for webapps).
 *
 * <p>Every other class of ours ({@code dev.tether.*}: the runtime's {@code Transport} above all) is
 * loaded by the web application's loader, never defined again: the transport Jetty's side makes and
 * the connection the application's side runs on it must see the same {@code Class} objects. Anything
 * else (Jetty, the servlet API, the JDK) comes from Jetty's loader, which the web application shares
 * for the servlet API.
 */
final class TakeoverClassLoader extends ClassLoader {
    static final String ENTRY_POINT = "dev.tether.servlet.upgrade.JettyTakeover";
    /** The classes defined here, with their nested classes. */
    static final List<String> TAKEOVER_CLASSES = List.of(ENTRY_POINT, "dev.tether.servlet.upgrade.JettyEndPointTransport");

    static {
        registerAsParallelCapable();
    }

    private final ClassLoader ours;

    /**
     * @param jettyLoader the loader of Jetty's servlet request class (ee10 or ee11): it sees the servlet API and Jetty
     * @param ours        the web application's loader, which loaded this class: every other class of ours
     */
    TakeoverClassLoader(ClassLoader jettyLoader, ClassLoader ours) {
        super("tether-jetty-takeover", jettyLoader);
        this.ours = ours;
    }

    static boolean isTakeoverClass(String name) {
        for (String takeover : TAKEOVER_CLASSES) {
            if (name.equals(takeover) || name.startsWith(takeover + "$")) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!isTakeoverClass(name)) {
            return name.startsWith("dev.tether.") ? ours.loadClass(name) : super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                loaded = findClass(name); // ours, even where Jetty's loader could see our jar too
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        if (!isTakeoverClass(name)) {
            throw new ClassNotFoundException(name);
        }
        String resource = name.substring(name.lastIndexOf('.') + 1) + ".class";
        try (InputStream in = TakeoverClassLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ClassNotFoundException(name + ": no " + resource + " next to " + getClass().getName());
            }
            byte[] bytes = in.readAllBytes();
            return defineClass(name, bytes, 0, bytes.length, TakeoverClassLoader.class.getProtectionDomain());
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
    }
}
