package dev.tether.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Eclipse Jetty 12.1 distribution ({@code jetty-home}): a base under target made with
 * {@code start.jar --add-modules=http,ee10-deploy} (or {@code ee11-deploy}: the environment the WAR
 * is deployed in), the WAR as {@code webapps/ROOT.war}, then run with
 * {@code jetty.http.host=127.0.0.1 jetty.http.port=<free>}.
 */
public final class JettyDistribution extends Distribution {
    private static final Duration CREATE_TIMEOUT = Duration.ofSeconds(60);
    /** Jetty's default environment for a WAR here, as README's set-up has it. */
    public static final String EE10 = "ee10";

    private final String environment;

    public JettyDistribution(Path home, Path base, Path war, List<String> jvmOptions) {
        this(home, base, war, jvmOptions, EE10);
    }

    /** @param environment the Jakarta EE environment the WAR is deployed in: {@code ee10} or {@code ee11} */
    public JettyDistribution(Path home, Path base, Path war, List<String> jvmOptions, String environment) {
        super("Jetty " + home.getFileName() + " " + environment, home, base, war, jvmOptions);
        this.environment = environment;
    }

    /** From the system properties the build sets (see src-it/pom.xml). */
    public static JettyDistribution fromBuild() {
        return fromBuild("jetty", DEFAULT_JVM_OPTIONS);
    }

    /**
     * From the system properties the build sets, in its own instance directory {@code instance} under
     * the work directory, its JVM started with {@code jvmOptions} (after {@code java}, before {@code -jar}).
     */
    public static JettyDistribution fromBuild(String instance, List<String> jvmOptions) {
        return fromBuild(instance, jvmOptions, EE10);
    }

    /** As {@link #fromBuild(String, List)}, the WAR deployed in {@code environment} ({@code ee10}, {@code ee11}). */
    public static JettyDistribution fromBuild(String instance, List<String> jvmOptions, String environment) {
        return new JettyDistribution(ItPaths.property("tether.it.jetty.home"),
                ItPaths.property("tether.it.work").resolve(instance), ItPaths.property("tether.it.war"), jvmOptions, environment);
    }

    @Override
    protected void prepare() throws IOException, InterruptedException {
        Path out = base().resolve("add-modules.log");
        Process create = new ProcessBuilder(java(), "-jar", home().resolve("start.jar").toString(),
                "jetty.home=" + home(), "jetty.base=" + base(), "--add-modules=http," + environment + "-deploy")
                .directory(base().toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        try {
            if (!Processes.awaitExit(create, CREATE_TIMEOUT)) {
                throw new IllegalStateException("jetty --add-modules did not finish within " + CREATE_TIMEOUT);
            }
            if (create.exitValue() != 0) {
                throw new IllegalStateException("jetty --add-modules exited with " + create.exitValue() + ":\n"
                        + Files.readString(out));
            }
        } finally {
            if (create.isAlive()) Processes.killTree(create);
        }
        // ${jetty.base}/work, when it exists, holds the unpacked WAR instead of java.io.tmpdir.
        Files.createDirectories(base().resolve("work"));
        Files.createDirectories(base().resolve("webapps"));
        Files.copy(war(), base().resolve("webapps/ROOT.war"));
    }

    @Override
    protected ProcessBuilder command(int port) {
        // start.jar runs Jetty in its own JVM (none of these modules makes it fork): the options apply to the server.
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(jvmOptions());
        command.addAll(List.of("-jar", home().resolve("start.jar").toString(),
                "jetty.home=" + home(), "jetty.base=" + base(),
                "jetty.http.host=127.0.0.1", "jetty.http.port=" + port));
        return new ProcessBuilder(command).directory(base().toFile());
    }
}
