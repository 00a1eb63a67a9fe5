package dev.tether.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Apache Tomcat distribution, run with {@code bin/catalina.sh run}: CATALINA_HOME is the
 * unpacked distribution, CATALINA_BASE an instance directory under target with its own
 * {@code conf/server.xml} (one HTTP/1.1 connector on 127.0.0.1, no shutdown port) and the WAR as
 * {@code webapps/ROOT.war}.
 */
public final class TomcatDistribution extends Distribution {
    public TomcatDistribution(Path home, Path base, Path war, List<String> jvmOptions) {
        super("Tomcat " + home.getFileName(), home, base, war, jvmOptions);
    }

    /** From the system properties the build sets (see src-it/pom.xml). */
    public static TomcatDistribution fromBuild() {
        return fromBuild("tomcat", DEFAULT_JVM_OPTIONS);
    }

    /**
     * From the system properties the build sets, in its own instance directory ({@code CATALINA_BASE})
     * {@code instance} under the work directory, its JVM started with {@code jvmOptions} (CATALINA_OPTS).
     */
    public static TomcatDistribution fromBuild(String instance, List<String> jvmOptions) {
        return new TomcatDistribution(ItPaths.property("tether.it.tomcat.home"),
                ItPaths.property("tether.it.work").resolve(instance), ItPaths.property("tether.it.war"), jvmOptions);
    }

    @Override
    protected void prepare() throws IOException {
        copyTree(home().resolve("conf"), base().resolve("conf"));
        for (String dir : new String[] {"logs", "temp", "webapps", "work"}) {
            Files.createDirectories(base().resolve(dir));
        }
        Files.copy(war(), base().resolve("webapps/ROOT.war"));
    }

    @Override
    protected ProcessBuilder command(int port) throws IOException {
        Files.writeString(base().resolve("conf/server.xml"), serverXml(port), StandardCharsets.UTF_8);
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", home().resolve("bin/catalina.sh").toString(), "run")
                .directory(base().toFile());
        builder.environment().put("CATALINA_HOME", home().toString());
        builder.environment().put("CATALINA_BASE", base().toString());
        builder.environment().put("CATALINA_TMPDIR", base().resolve("temp").toString());
        // A connector that cannot bind (the port was taken after we chose it) ends the process at once.
        // (catalina.sh passes CATALINA_OPTS through eval: the options must not contain spaces or quotes.)
        builder.environment().put("CATALINA_OPTS", String.join(" ", jvmOptions())
                + " -Dorg.apache.catalina.startup.EXIT_ON_INIT_FAILURE=true");
        builder.environment().remove("CATALINA_PID");
        builder.environment().remove("JAVA_OPTS");
        return builder;
    }

    private static String serverXml(int port) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- Written by src-it for one test run: no shutdown port, one connector on 127.0.0.1. -->
                <Server port="-1" shutdown="SHUTDOWN">
                  <Listener className="org.apache.catalina.startup.VersionLoggerListener"/>
                  <Listener className="org.apache.catalina.core.JreMemoryLeakPreventionListener"/>
                  <Listener className="org.apache.catalina.core.ThreadLocalLeakPreventionListener"/>
                  <Service name="Catalina">
                    <Connector address="127.0.0.1" port="%d" protocol="HTTP/1.1" connectionTimeout="20000"/>
                    <Engine name="Catalina" defaultHost="localhost">
                      <Host name="localhost" appBase="webapps" unpackWARs="true" autoDeploy="false"/>
                    </Engine>
                  </Service>
                </Server>
                """.formatted(port);
    }
}
