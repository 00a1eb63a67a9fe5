package dev.tether.it;

import dev.tether.it.support.Distribution;
import dev.tether.it.support.JettyDistribution;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Jetty 12.1 distribution")
class JettyIT extends EchoInteropContract {
    @Override
    protected Distribution newServer() {
        return JettyDistribution.fromBuild();
    }
}
