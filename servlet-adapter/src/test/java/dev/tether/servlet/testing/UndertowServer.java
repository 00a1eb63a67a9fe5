package dev.tether.servlet.testing;

import io.undertow.Undertow;
import io.undertow.Version;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.api.FilterInfo;
import io.undertow.servlet.api.ServletContainer;
import io.undertow.servlet.api.ServletContainerInitializerInfo;
import io.undertow.servlet.api.ServletInfo;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import io.undertow.websockets.jsr.WebSocketDeploymentInfo;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContainerInitializer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * Embedded Undertow 2.3 (WildFly's servlet container, Servlet 6.0): one deployment at the root
 * context behind one HTTP/1.1 listener. Tether takes Undertow's own route here ({@code UndertowRoute}).
 */
final class UndertowServer implements RunningServer {
    /** Held strongly: JUL keeps loggers weakly, and a collected logger would forget its level. */
    private static final List<Logger> QUIETED = List.of(Logger.getLogger("io.undertow"), Logger.getLogger("org.xnio"));

    static {
        QUIETED.forEach(log -> log.setLevel(Level.WARNING)); // no start/stop INFO lines in the test output
    }

    private final Undertow undertow;
    private final DeploymentManager deployment;
    private final XnioWorker webSocketWorker;

    private UndertowServer(Undertow undertow, DeploymentManager deployment, XnioWorker webSocketWorker) {
        this.undertow = undertow;
        this.deployment = deployment;
        this.webSocketWorker = webSocketWorker;
    }

    static UndertowServer start(Deployment setup) throws Exception {
        XnioWorker webSocketWorker = setup.containerWebSocket ? worker() : null;
        DeploymentManager manager = deploy(setup, webSocketWorker);
        Undertow undertow = null;
        try {
            HttpHandler root = manager.start();
            // One I/O thread: enough for tests, and few threads on a small machine.
            Undertow.Builder builder = Undertow.builder()
                    .addHttpListener(setup.port, "127.0.0.1")
                    .setIoThreads(1)
                    .setWorkerThreads(16)
                    .setHandler(root);
            if (setup.socketSendBuffer > 0) builder.setSocketOption(Options.SEND_BUFFER, setup.socketSendBuffer);
            undertow = builder.build();
            undertow.start();
            return new UndertowServer(undertow, manager, webSocketWorker);
        } catch (Exception | Error e) {
            new UndertowServer(undertow, manager, webSocketWorker).close();
            throw e;
        }
    }

    private static DeploymentManager deploy(Deployment setup, XnioWorker webSocketWorker) {
        DeploymentInfo info = Servlets.deployment()
                .setClassLoader(UndertowServer.class.getClassLoader())
                .setContextPath("/")
                .setDeploymentName("tether-test");
        setup.initParameters.forEach(info::addInitParameter);
        ServletContainerInitializer attributes = (classes, servletContext) ->
                setup.attributes.forEach(servletContext::setAttribute);
        info.addServletContainerInitializer(initializer(attributes, new HashSet<>()));
        if (webSocketWorker != null) {
            // Undertow's Jakarta WebSocket (undertow-websockets-jsr) deploys when the deployment carries this.
            info.addServletContextAttribute(WebSocketDeploymentInfo.ATTRIBUTE_NAME,
                    new WebSocketDeploymentInfo().setWorker(webSocketWorker).setBuffers(new DefaultByteBufferPool(false, 8192)));
        }
        for (Deployment.Initializer i : setup.initializers) {
            info.addServletContainerInitializer(initializer(i.initializer(), new HashSet<>(i.handlesTypes())));
        }
        for (Deployment.FilterMapping f : setup.filters) {
            FilterInfo filter = new FilterInfo(f.name(), f.filter().getClass(), new ImmediateInstanceFactory<Filter>(f.filter()));
            filter.setAsyncSupported(true);
            info.addFilter(filter);
            info.addFilterUrlMapping(f.name(), f.mapping(), DispatcherType.REQUEST);
        }
        for (Deployment.ServletMapping s : setup.servlets) {
            ServletInfo servlet = new ServletInfo(s.name(), s.servlet().getClass(), new ImmediateInstanceFactory<Servlet>(s.servlet()));
            servlet.setAsyncSupported(true);
            servlet.addMapping(s.mapping());
            info.addServlet(servlet);
        }
        // A container of its own per server: the default one is process-wide and keeps every deployment.
        ServletContainer container = ServletContainer.Factory.newInstance();
        DeploymentManager manager = container.addDeployment(info);
        manager.deploy();
        return manager;
    }

    private static ServletContainerInitializerInfo initializer(ServletContainerInitializer initializer, Set<Class<?>> handlesTypes) {
        return new ServletContainerInitializerInfo(initializer.getClass(),
                new ImmediateInstanceFactory<>(initializer), handlesTypes);
    }

    private static XnioWorker worker() throws IOException {
        return Xnio.getInstance().createWorker(OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, 1)
                .set(Options.WORKER_TASK_CORE_THREADS, 2)
                .set(Options.WORKER_TASK_MAX_THREADS, 8)
                .set(Options.THREAD_DAEMON, true)
                .getMap());
    }

    @Override
    public String name() {
        return "Undertow " + Version.getVersionString();
    }

    @Override
    public int port() {
        return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    @Override
    public void close() {
        try {
            if (undertow != null) undertow.stop(); // closes the listener and its connections, stops its worker
            deployment.stop();
            deployment.undeploy();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop " + name(), e);
        } finally {
            if (webSocketWorker != null) webSocketWorker.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
