package dev.tether.it;

import dev.tether.it.support.Distribution;
import dev.tether.it.support.JettyDistribution;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Jetty 12.1 distribution: the example app")
class JettyAppIT extends ExampleAppContract {
    @Override
    protected Distribution newServer() {
        return JettyDistribution.fromBuild();
    }

    @Override
    protected String id() {
        return "jetty";
    }
}
