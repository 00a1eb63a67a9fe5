package dev.tether.servlet.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.runtime.Output;
import dev.tether.runtime.Transport;
import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.io.EndPoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Jetty classes of ours defined under a loader that sees Jetty and the servlet API but not our
 * classes, as a stock Jetty's server loader is seen from a web application (which shares the
 * servlet API with it, and nothing else).
 */
class TakeoverClassLoaderTest {
    private final URLClassLoader jetty = jettyOnly();

    @AfterEach
    void close() throws Exception {
        jetty.close();
    }

    @Test
    void theJettyClassesAreDefinedAgainAndLinkAgainstThatJetty() throws Exception {
        TakeoverClassLoader loader = new TakeoverClassLoader(jetty, ContainerUpgrade.class.getClassLoader());
        Class<?> transport = Class.forName(JettyEndPointTransport.class.getName(), true, loader);
        assertSame(loader, transport.getClassLoader());
        assertNotSame(JettyEndPointTransport.class, transport);
        Class<?> endPoint = loader.loadClass(EndPoint.class.getName());
        assertNotSame(EndPoint.class, endPoint, "not the Jetty the loader was given");
        assertSame(jetty, endPoint.getClassLoader());
    }

    @Test
    void everyOtherClassOfOursIsTheWebApplicationsOwn() throws Exception {
        TakeoverClassLoader loader = new TakeoverClassLoader(jetty, ContainerUpgrade.class.getClassLoader());
        Class<?> transport = Class.forName(JettyEndPointTransport.class.getName(), true, loader);
        assertTrue(Transport.class.isAssignableFrom(transport), "implements another Transport than ours");
        assertSame(Transport.class, loader.loadClass(Transport.class.getName()));
        assertSame(Output.WriteCallback.class, loader.loadClass(Output.WriteCallback.class.getName()));
        assertSame(ContainerUpgrade.class, loader.loadClass(ContainerUpgrade.class.getName()));
    }

    @Test
    void theEntryPointTakesServletAndJdkTypesOnly() throws Exception {
        Method takeOver = ContainerUpgrade.entryPointUnder(jetty);
        assertEquals(TakeoverClassLoader.ENTRY_POINT, takeOver.getDeclaringClass().getName());
        assertTrue(takeOver.getDeclaringClass().getClassLoader() instanceof TakeoverClassLoader);
        for (Class<?> parameter : takeOver.getParameterTypes()) {
            assertTrue(parameter.isPrimitive() || parameter.getName().startsWith("java.")
                    || parameter.getName().startsWith("jakarta.servlet."), parameter::getName);
        }
    }

    @Test
    void nothingElseIsDefinedThere() {
        TakeoverClassLoader loader = new TakeoverClassLoader(jetty, ContainerUpgrade.class.getClassLoader());
        assertTrue(TakeoverClassLoader.isTakeoverClass(JettyTakeover.class.getName()));
        assertTrue(TakeoverClassLoader.isTakeoverClass(JettyEndPointTransport.class.getName() + "$1"));
        assertTrue(!TakeoverClassLoader.isTakeoverClass(JettyEndPointTransport.class.getName() + "Other"));
        assertThrows(ClassNotFoundException.class, () -> loader.loadClass("org.example.Absent"));
    }

    /** A loader over the class path's Jetty and SLF4J jars only, sharing our servlet API and nothing else. */
    private static URLClassLoader jettyOnly() {
        ClassLoader servletApi = new ClassLoader("servlet-api", ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                if (!name.startsWith("jakarta.servlet.")) {
                    throw new ClassNotFoundException(name);
                }
                return TakeoverClassLoaderTest.class.getClassLoader().loadClass(name);
            }
        };
        List<URL> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = new File(entry).getName();
            if (name.startsWith("jetty-") || name.startsWith("slf4j-api")) {
                try {
                    jars.add(new File(entry).toURI().toURL());
                } catch (java.net.MalformedURLException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return new URLClassLoader("jetty-only", jars.toArray(URL[]::new), servletApi);
    }
}
