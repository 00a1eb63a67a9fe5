package dev.tether.it;

import dev.tether.it.support.Distribution;
import dev.tether.it.support.JettyDistribution;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Jetty 12.1 distribution, -Xmx64m: streaming through /echo")
class JettyStreamIT extends StreamEchoContract {
    @Override
    protected String instance() {
        return "jetty-stream";
    }

    @Override
    protected Distribution newServer() {
        return JettyDistribution.fromBuild(instance(), jvmOptions());
    }
}
