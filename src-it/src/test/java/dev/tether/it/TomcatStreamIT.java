package dev.tether.it;

import dev.tether.it.support.Distribution;
import dev.tether.it.support.TomcatDistribution;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Tomcat 11 distribution, -Xmx64m: streaming through /echo")
class TomcatStreamIT extends StreamEchoContract {
    @Override
    protected String instance() {
        return "tomcat-stream";
    }

    @Override
    protected Distribution newServer() {
        return TomcatDistribution.fromBuild(instance(), jvmOptions());
    }
}
