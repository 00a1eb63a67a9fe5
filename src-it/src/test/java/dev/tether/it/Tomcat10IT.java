package dev.tether.it;

import dev.tether.it.support.Distribution;
import dev.tether.it.support.ItPaths;
import dev.tether.it.support.TomcatDistribution;
import org.junit.jupiter.api.DisplayName;

/** The example WAR, unchanged, on the older supported line: Tomcat 10.1 (Servlet 6.0). */
@DisplayName("Tomcat 10.1 distribution")
class Tomcat10IT extends EchoInteropContract {
    @Override
    protected Distribution newServer() {
        return new TomcatDistribution(ItPaths.property("tether.it.tomcat10.home"),
                ItPaths.property("tether.it.work").resolve("tomcat10"), ItPaths.property("tether.it.war"),
                Distribution.DEFAULT_JVM_OPTIONS);
    }
}
