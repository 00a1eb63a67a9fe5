package dev.tether.servlet.testing;

import java.util.function.Consumer;

/**
 * The embedded containers every behaviour test of the adapter runs on. Use as a JUnit parameter:
 * {@code @ParameterizedTest @EnumSource(Container.class) void echo(Container container)}, then
 * {@code try (RunningServer server = container.start(r -> r.addServlet("/ws", servlet))) {...}}.
 */
public enum Container {
    /** Jetty 12.1 with the ee10 (Servlet 6.0) environment. */
    JETTY {
        @Override
        public RunningServer start(Consumer<? super ServletRegistrar> setup) throws Exception {
            return JettyServer.start(Deployment.of(setup));
        }
    },
    /** Tomcat 11 (Servlet 6.1), embedded. */
    TOMCAT {
        @Override
        public RunningServer start(Consumer<? super ServletRegistrar> setup) throws Exception {
            return TomcatServer.start(Deployment.of(setup));
        }
    };

    /** Deploys what {@code setup} registers at the root context and starts the container. */
    public abstract RunningServer start(Consumer<? super ServletRegistrar> setup) throws Exception;
}
