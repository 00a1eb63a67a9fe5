package dev.tether.servlet.testing;

import jakarta.servlet.ServletContainerInitializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.apache.tomcat.websocket.server.WsSci;

/** Embedded Tomcat 11: one context at "" (the root) with no document base, one HTTP/1.1 connector. */
final class TomcatServer implements RunningServer {
    /** Held strongly: JUL keeps loggers weakly, and a collected logger would forget its level. */
    private static final Logger TOMCAT_LOG = Logger.getLogger("org.apache");
    private static final Logger UNDEPLOY_LOG = Logger.getLogger("org.apache.catalina.loader.WebappClassLoaderBase");

    static {
        TOMCAT_LOG.setLevel(Level.WARNING); // no startup/shutdown INFO lines in the test output
        // Embedded, the web application shares the container's class loader, so Tomcat's idle pool
        // threads look like threads the application started; that check means nothing here.
        UNDEPLOY_LOG.setLevel(Level.SEVERE);
    }

    /**
     * One directory per JVM for the servers' base directories, deleted when the JVM exits: each
     * server deletes its own when it stops, but some stopped Tomcat now and then creates its (empty)
     * base directory again afterwards, which would outlive the tests.
     */
    private static final BaseDirectories BASE_DIRS = new BaseDirectories();

    private static final class BaseDirectories {
        private Path dir;

        synchronized Path get() throws IOException {
            if (dir == null) {
                Path created = Files.createTempDirectory("tether-tomcat");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        deleteRecursively(created);
                    } catch (UncheckedIOException leftBehind) {
                        // a Tomcat still writing as the JVM exits: what it wrote stays in /tmp
                    }
                }, "tether-tomcat-cleanup"));
                dir = created;
            }
            return dir;
        }
    }

    private final Tomcat tomcat;
    private final Path baseDir;
    /**
     * Read once started: asking Tomcat for its connector after {@link #close()} makes it create its
     * base directory again, which would outlive the test.
     */
    private volatile int port = -1;

    private TomcatServer(Tomcat tomcat, Path baseDir) {
        this.tomcat = tomcat;
        this.baseDir = baseDir;
    }

    static TomcatServer start(Deployment deployment) throws Exception {
        Path baseDir = Files.createTempDirectory(BASE_DIRS.get(), "server");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString()); // Tomcat's work directory; nothing is deployed from disk
        Connector connector = new Connector();
        connector.setPort(deployment.port);
        connector.setProperty("address", "127.0.0.1");
        if (deployment.socketSendBuffer > 0) {
            if (!connector.setProperty("socket.txBufSize", Integer.toString(deployment.socketSendBuffer))) {
                throw new IllegalStateException("Tomcat's connector has no socket.txBufSize");
            }
        }
        tomcat.setConnector(connector);
        context(tomcat, deployment);
        TomcatServer server = new TomcatServer(tomcat, baseDir);
        try {
            tomcat.start();
        } catch (LifecycleException | RuntimeException e) {
            server.close();
            throw e;
        }
        server.port = connector.getLocalPort();
        return server;
    }

    private static void context(Tomcat tomcat, Deployment deployment) {
        Context context = tomcat.addContext("", null);
        if (context instanceof StandardContext standard) {
            // Leak detection on undeploy needs --add-opens and warns without it; meaningless embedded.
            standard.setClearReferencesRmiTargets(false);
            standard.setClearReferencesThreadLocals(false);
        }
        deployment.initParameters.forEach(context::addParameter);
        ServletContainerInitializer attributes = (classes, servletContext) ->
                deployment.attributes.forEach(servletContext::setAttribute);
        context.addServletContainerInitializer(attributes, null);
        if (deployment.containerWebSocket) {
            context.addServletContainerInitializer(new WsSci(), null);
        }
        for (Deployment.Initializer i : deployment.initializers) {
            context.addServletContainerInitializer(i.initializer(), i.handlesTypes());
        }
        for (Deployment.FilterMapping f : deployment.filters) {
            FilterDef def = new FilterDef();
            def.setFilterName(f.name());
            def.setFilter(f.filter());
            def.setAsyncSupported("true");
            context.addFilterDef(def);
            FilterMap map = new FilterMap();
            map.setFilterName(f.name());
            map.addURLPattern(f.mapping());
            context.addFilterMap(map);
        }
        for (Deployment.ServletMapping s : deployment.servlets) {
            Wrapper wrapper = Tomcat.addServlet(context, s.name(), s.servlet());
            wrapper.setAsyncSupported(true);
            wrapper.addMapping(s.mapping());
        }
    }

    @Override
    public String name() {
        return "Tomcat " + org.apache.catalina.util.ServerInfo.getServerNumber();
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            tomcat.stop(); // synchronous: the connector unbinds its port and closes its connections
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("could not stop " + name(), e);
        } finally {
            deleteRecursively(baseDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
