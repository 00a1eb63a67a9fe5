package dev.tether.servlet.upgrade;

import java.io.IOException;
import java.io.InputStream;

/**
 * Defines {@link JettyConnectionTakeover} (and its nested classes) a second time, from the bytes in
 * our own jar, under Jetty's class loader, so that it links against Jetty's classes when the web
 * application's class loader hides them (Jetty's default for webapps). Both sides then meet only
 * through servlet API types, which webapp and server share.
 */
final class TakeoverClassLoader extends ClassLoader {
    static final String TAKEOVER_CLASS = "dev.tether.servlet.upgrade.JettyConnectionTakeover";

    static {
        registerAsParallelCapable();
    }

    /** @param jettyLoader the loader of Jetty's ee10 request class: it sees the servlet API and Jetty */
    TakeoverClassLoader(ClassLoader jettyLoader) {
        super("tether-jetty-takeover", jettyLoader);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        if (!name.equals(TAKEOVER_CLASS) && !name.startsWith(TAKEOVER_CLASS + "$")) throw new ClassNotFoundException(name);
        String resource = name.substring(name.lastIndexOf('.') + 1) + ".class";
        try (InputStream in = TakeoverClassLoader.class.getResourceAsStream(resource)) {
            if (in == null) throw new ClassNotFoundException(name + ": no " + resource + " next to " + getClass().getName());
            byte[] bytes = in.readAllBytes();
            return defineClass(name, bytes, 0, bytes.length, TakeoverClassLoader.class.getProtectionDomain());
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
    }
}
