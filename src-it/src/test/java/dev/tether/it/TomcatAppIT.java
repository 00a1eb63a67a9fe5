package dev.tether.it;

import dev.tether.it.support.Distribution;
import dev.tether.it.support.TomcatDistribution;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Tomcat 11 distribution: the example app")
class TomcatAppIT extends ExampleAppContract {
    @Override
    protected Distribution newServer() {
        return TomcatDistribution.fromBuild();
    }

    @Override
    protected String id() {
        return "tomcat";
    }
}
