package dev.tether.servlet.testing;

import dev.tether.servlet.upgrade.ContainerUpgrade;
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
            return JettyServer.start(Deployment.of(setup), "ee10", JettyEe10Context::of);
        }
    },
    /** Jetty 12.1 with the ee11 (Servlet 6.1) environment. */
    JETTY_EE11 {
        @Override
        public RunningServer start(Consumer<? super ServletRegistrar> setup) throws Exception {
            return JettyServer.start(Deployment.of(setup), "ee11", JettyEe11Context::of);
        }
    },
    /** Tomcat 11 (Servlet 6.1), embedded. */
    TOMCAT {
        @Override
        public RunningServer start(Consumer<? super ServletRegistrar> setup) throws Exception {
            return TomcatServer.start(Deployment.of(setup));
        }
    },
    /** Undertow 2.3 (Servlet 6.0), embedded: Tether upgrades through Undertow's own API there. */
    UNDERTOW {
        @Override
        public RunningServer start(Consumer<? super ServletRegistrar> setup) throws Exception {
            return UndertowServer.start(Deployment.of(setup));
        }
    };

    /** Whether this is Jetty (either environment): Tether takes its connections over through Jetty's core. */
    public boolean isJetty() {
        return this == JETTY || this == JETTY_EE11;
    }

    /**
     * Whether Tether's transport on this container writes direct buffers as they are: its own routes
     * on Jetty, Tomcat and Undertow do; the portable route (servlet streams, under test on Tomcat when
     * {@link ContainerUpgrade#PORTABLE_ON_TOMCAT} is set) takes arrays.
     */
    public boolean writesDirectBuffers() {
        return this != TOMCAT || !Boolean.getBoolean(ContainerUpgrade.PORTABLE_ON_TOMCAT);
    }

    /** Deploys what {@code setup} registers at the root context and starts the container. */
    public abstract RunningServer start(Consumer<? super ServletRegistrar> setup) throws Exception;
}
