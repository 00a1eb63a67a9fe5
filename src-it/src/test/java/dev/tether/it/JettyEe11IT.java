package dev.tether.it;

import dev.tether.it.support.Distribution;
import dev.tether.it.support.JettyDistribution;
import org.junit.jupiter.api.DisplayName;

/** The example WAR deployed in Jetty's ee11 (Servlet 6.1) environment instead of ee10: the takeover serves both. */
@DisplayName("Jetty 12.1 distribution, ee11 environment")
class JettyEe11IT extends EchoInteropContract {
    @Override
    protected Distribution newServer() {
        return JettyDistribution.fromBuild("jetty-ee11", Distribution.DEFAULT_JVM_OPTIONS, "ee11");
    }
}
