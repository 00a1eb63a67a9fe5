package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tether.it.support.Distribution;
import dev.tether.it.support.ItPaths;
import dev.tether.it.support.JdkSession;
import dev.tether.it.support.JettyDistribution;
import dev.tether.it.support.Processes;
import dev.tether.it.support.ReadmeSnippets;
import dev.tether.it.support.TomcatDistribution;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * README's install and first-app sections, followed as a new user would: the coordinates are the
 * build's, the servlets compile against {@code tether-servlet} and the servlet API alone, and each
 * embedded main, compiled against its container as README names it, serves the chat and the feed,
 * as does a WAR of them in each stock distribution. Only the port is changed (a free one instead of
 * 8080).
 */
@DisplayName("README's first app, compiled from its snippets and run on embedded Jetty and Tomcat and as a WAR")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FirstAppIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String FIRST_APP = "## A first app in 5 minutes";
    private static final List<String> SERVLETS = List.of("com.example.ChatServlet", "com.example.NewsServlet");

    private Path readme;
    private Path work;
    private Map<String, String> sources;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void readReadme() throws IOException {
        readme = ItPaths.property("tether.it.readme");
        work = ItPaths.property("tether.it.work").resolve("first-app");
        Distribution.deleteTree(work);
        Files.createDirectories(work);
        sources = ReadmeSnippets.section(readme, FIRST_APP).javaClasses();
        for (String name : List.of("com.example.ChatServlet", "com.example.NewsServlet", "com.example.JettyMain", "com.example.TomcatMain")) {
            assertTrue(sources.containsKey(name), () -> "README's first app has no " + name + ": " + sources.keySet());
        }
    }

    @Test
    @DisplayName("Install names the BOM and artifacts the build makes, at the build's version")
    void installCoordinates() throws IOException {
        ReadmeSnippets install = ReadmeSnippets.section(readme, "## Install");
        List<String> ids = install.artifactIds();
        assertTrue(ids.contains("tether-bom"), () -> "Install imports no tether-bom: " + ids);
        String bom = Files.readString(readme.resolveSibling("bom").resolve("pom.xml"), StandardCharsets.UTF_8);
        for (String id : ids) {
            if (!id.equals("tether-bom")) {
                assertTrue(bom.contains("<artifactId>" + id + "</artifactId>"), () -> "the BOM does not manage " + id);
            }
        }
        Matcher version = Pattern.compile("<version>([^<]+)</version>").matcher(install.blocks("xml").get(0).text());
        assertTrue(version.find(), "Install's BOM import has no version");
        String built = System.getProperty("tether.it.version");
        assertEquals(built.replace("-SNAPSHOT", ""), version.group(1), "the version README gives, against the build's " + built);
    }

    @Test
    @DisplayName("the two servlets compile against tether-servlet and the servlet API, nothing else")
    void servletsNeedOnlyTetherAndTheServletApi() throws IOException {
        compileServlets();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"com.example.JettyMain", "com.example.TomcatMain"})
    @DisplayName("the embedded main serves the chat over WebSocket and its feed as server-sent events")
    void chatAndFeed(String main) throws Exception {
        Path servlets = compileServlets();
        String container = main.endsWith("JettyMain") ? "jetty" : "tomcat";
        List<Path> containerJars = classPath(container.equals("jetty") ? FirstAppIT::isJetty : FirstAppIT::isTomcat);
        int port = Distribution.freePort();
        String source = sources.get(main);
        String onPort = source.replace("setPort(8080)", "setPort(" + port + ")");
        assertNotEquals(source, onPort, main + " no longer sets port 8080: update this test");
        Path mainClasses = compile(container, Map.of(main, onPort), concat(List.of(servlets), tetherAndServletApi(), containerJars));

        List<Path> runPath = concat(List.of(mainClasses, servlets), tetherAndServletApi(), containerJars);
        runAndChat(main, join(runPath), container, port);
    }

    /**
     * Runs {@code main} in a JVM of its own on {@code classPath} (its temporary files, e.g.
     * TomcatMain's base, under work/name-tmp), waits until it serves, and chats and reads the feed.
     */
    private void runAndChat(String main, String classPath, String name, int port) throws Exception {
        Path log = work.resolve(name + ".log");
        Path tmp = Files.createDirectories(work.resolve(name + "-tmp"));
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-cp", classPath, main)
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        Thread hook = Processes.killOnExit(server, main);
        boolean passed = false;
        try {
            awaitReady(server, port, log);
            chatAndFeedOn(port);
            passed = true;
        } finally {
            Processes.stopTree(server, Duration.ofSeconds(10));
            Processes.removeHook(hook);
            if (!passed) System.out.println("[src-it] " + main + "'s output (" + log + "):\n" + Files.readString(log, StandardCharsets.ISO_8859_1));
        }
    }

    /**
     * A new Maven project made of README alone: Install's BOM import and dependency, the servlet API
     * as the first app says ({@code provided}), {@code jetty-ee10-servlet} for the Jetty main, and
     * the three classes. Maven resolves it offline from a local repository that is this machine's
     * (read through links) with this build's artifacts beside it, as {@code mvn install} would put
     * them, compiles it, and the main runs on the class path Maven made.
     */
    @Test
    @DisplayName("followed literally in a new Maven project: the coordinates resolve, the app compiles and serves")
    void asANewMavenProject() throws Exception {
        Path project = work.resolve("maven-project");
        Distribution.deleteTree(project);
        Path packageDir = Files.createDirectories(project.resolve("src/main/java/com/example"));
        int port = Distribution.freePort();
        for (String name : List.of("com.example.ChatServlet", "com.example.NewsServlet", "com.example.JettyMain")) {
            String source = sources.get(name).replace("setPort(8080)", "setPort(" + port + ")");
            Files.writeString(packageDir.resolve(name.substring(name.lastIndexOf('.') + 1) + ".java"), source);
        }
        Files.writeString(project.resolve("pom.xml"), newProjectPom());
        Path repository = localRepositoryWithThisBuild(project.resolve("repository"));
        Path classPath = project.resolve("classpath.txt");
        Path mavenLog = project.resolve("maven.log");
        Path mvn = ItPaths.property("tether.it.maven.home").resolve("bin/mvn");
        assertTrue(Files.isExecutable(mvn), () -> "no Maven launcher at " + mvn + " (the build's maven.home)");
        ProcessBuilder build = new ProcessBuilder(mvn.toString(),
                "-B", "-q", "-o", "-Dmaven.repo.local=" + repository, "compile",
                "org.apache.maven.plugins:maven-dependency-plugin:" + System.getProperty("tether.it.dependency.plugin.version")
                        + ":build-classpath", "-Dmdep.outputFile=" + classPath)
                .directory(project.toFile()).redirectErrorStream(true).redirectOutput(mavenLog.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        build.environment().put("JAVA_HOME", System.getProperty("java.home")); // the build's Java, not the PATH's
        Process maven = build.start();
        if (!Processes.awaitExit(maven, Duration.ofMinutes(3)) || maven.exitValue() != 0) {
            Processes.killTree(maven);
            fail("mvn compile of README's first app failed:\n" + Files.readString(mavenLog, StandardCharsets.ISO_8859_1)
                    + "\npom.xml:\n" + Files.readString(project.resolve("pom.xml")));
        }
        String mavenClassPath = Files.readString(classPath).trim();
        assertTrue(mavenClassPath.contains("tether-servlet-" + System.getProperty("tether.it.version") + ".jar"), mavenClassPath);

        runAndChat("com.example.JettyMain", project.resolve("target/classes") + File.pathSeparator + mavenClassPath,
                "maven-project", port);
    }

    /**
     * README's Install snippet as a project's pom, at this build's version, with what the first app
     * adds: the servlet API ({@code provided}) and Jetty for the embedded main. Plugin versions are
     * pinned, as a project from an archetype has them (Maven's defaults may not be on this machine).
     */
    private String newProjectPom() throws IOException {
        String install = ReadmeSnippets.section(readme, "## Install").blocks("xml").get(0).text();
        String release = System.getProperty("tether.it.version").replace("-SNAPSHOT", "");
        String atThisBuild = install.replace("<version>" + release + "</version>",
                "<version>" + System.getProperty("tether.it.version") + "</version>");
        assertNotEquals(install, atThisBuild, "Install's BOM import is not at version " + release);
        int end = atThisBuild.lastIndexOf("</dependencies>");
        assertTrue(end > 0, "Install's snippet has no <dependencies>");
        String added = """
                  <dependency>
                    <groupId>jakarta.servlet</groupId>
                    <artifactId>jakarta.servlet-api</artifactId>
                    <version>6.1.0</version>
                    <scope>provided</scope>
                  </dependency>
                  <dependency>
                    <groupId>org.eclipse.jetty.ee10</groupId>
                    <artifactId>jetty-ee10-servlet</artifactId>
                    <version>%s</version>
                  </dependency>
                """.formatted(System.getProperty("tether.it.jetty.version"));
        String dependencies = atThisBuild.substring(0, end) + added + atThisBuild.substring(end);
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId>
                  <artifactId>first-app</artifactId>
                  <version>1.0</version>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                %s
                  <build>
                    <plugins>
                      <plugin>
                        <artifactId>maven-resources-plugin</artifactId>
                        <version>%s</version>
                      </plugin>
                      <plugin>
                        <artifactId>maven-compiler-plugin</artifactId>
                        <version>%s</version>
                      </plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(dependencies, System.getProperty("tether.it.resources.plugin.version"),
                System.getProperty("tether.it.compiler.plugin.version"));
    }

    /**
     * A local repository for the new project: every group of this machine's, linked (so nothing is
     * downloaded), and this build's parent, BOM and library jars under dev/tether, where
     * {@code mvn install} would put them. Nothing is written into the machine's own repository.
     */
    private Path localRepositoryWithThisBuild(Path farm) throws IOException {
        Path machine = ItPaths.property("tether.it.local.repository");
        Files.createDirectories(farm.resolve("dev"));
        try (Stream<Path> groups = Files.list(machine)) {
            for (Path group : groups.toList()) {
                if (!group.getFileName().toString().equals("dev")) Files.createSymbolicLink(farm.resolve(group.getFileName()), group);
            }
        }
        if (Files.isDirectory(machine.resolve("dev"))) {
            try (Stream<Path> groups = Files.list(machine.resolve("dev"))) {
                for (Path group : groups.toList()) {
                    if (!group.getFileName().toString().equals("tether")) {
                        Files.createSymbolicLink(farm.resolve("dev").resolve(group.getFileName()), group);
                    }
                }
            }
        }
        Path root = readme.getParent();
        String version = System.getProperty("tether.it.version");
        install(farm, "tether-parent", version, root.resolve("pom.xml"), null);
        install(farm, "tether-bom", version, root.resolve("bom/pom.xml"), null);
        install(farm, "tether-core", version, root.resolve("core/pom.xml"), root.resolve("core/target"));
        install(farm, "tether-runtime", version, root.resolve("runtime/pom.xml"), root.resolve("runtime/target"));
        install(farm, "tether-servlet", version, root.resolve("servlet-adapter/pom.xml"), root.resolve("servlet-adapter/target"));
        return farm;
    }

    /** Puts a pom (and the jar built in {@code target}, if given) where a local repository keeps it. */
    private static void install(Path repository, String artifactId, String version, Path pom, Path target) throws IOException {
        Path dir = Files.createDirectories(repository.resolve("dev/tether").resolve(artifactId).resolve(version));
        Files.copy(pom, dir.resolve(artifactId + "-" + version + ".pom"));
        if (target != null) {
            Path jar = target.resolve(artifactId + "-" + version + ".jar");
            if (!Files.isRegularFile(jar)) throw new IllegalStateException("not built (run through mvn verify): " + jar);
            Files.copy(jar, dir.resolve(jar.getFileName()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tomcat", "jetty"})
    @DisplayName("packaged as a WAR and deployed to the stock distribution: by its annotations on Tomcat, by README's web.xml on Jetty")
    void inAWar(String container) throws Exception {
        Path servlets = compileServlets();
        // Tomcat reads the annotations; the Jetty distribution runs without its annotations module, as README's
        // metadata-complete case: the servlets are declared in README's web.xml.
        String webXml = container.equals("jetty") ? webXml() : null;
        Path war = war(container, servlets, webXml);
        Path home = ItPaths.property("tether.it." + container + ".home");
        Path base = work.resolve(container + "-war");
        Distribution server = (container.equals("jetty")
                ? new JettyDistribution(home, base, war, Distribution.DEFAULT_JVM_OPTIONS)
                : new TomcatDistribution(home, base, war, Distribution.DEFAULT_JVM_OPTIONS)).readyPath("/chat");
        boolean passed = false;
        try {
            server.start();
            chatAndFeedOn(server.port());
            passed = true;
        } finally {
            server.stop();
            if (!passed && server.log() != null) System.out.println("[src-it] " + server + "'s log:\n" + server.tail(80));
        }
    }

    /** A client of the chat and one of the feed, as README's "Try it" has them. */
    private void chatAndFeedOn(int port) throws Exception {
        try (Feed feed = new Feed(http, URI.create("http://127.0.0.1:" + port + "/events"));
                JdkSession chat = JdkSession.open(http, URI.create("ws://127.0.0.1:" + port + "/chat"))) {
            assertEquals("welcome: 1 connected", chat.next(JdkSession.Message.class).string());
            JdkSession.await(chat.socket().sendText("hello from the README", true));
            assertEquals("hello from the README", chat.next(JdkSession.Message.class).string());
            feed.awaitEvent("chat", "hello from the README");
            JdkSession.await(chat.socket().sendClose(1000, "bye"));
            assertEquals(1000, chat.next(JdkSession.Closed.class).code());
            feed.awaitEvent("left", "1000 bye");
        }
    }

    /** README's servlet declarations in a Servlet 6 web.xml that reads no annotations. */
    private String webXml() throws IOException {
        List<ReadmeSnippets.Block> xml = ReadmeSnippets.section(readme, FIRST_APP).blocks("xml");
        String declarations = xml.stream().map(ReadmeSnippets.Block::text).filter(t -> t.contains("<servlet-class>"))
                .findFirst().orElseThrow(() -> new AssertionError("README's first app has no web.xml servlet declarations"));
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\" metadata-complete=\"true\">\n"
                + declarations + "</web-app>\n";
    }

    /** A WAR of the compiled servlets, README's libraries in WEB-INF/lib (not the servlet API), and {@code webXml} if given. */
    private Path war(String name, Path classes, String webXml) throws IOException {
        Path war = work.resolve(name + "-first-app.war");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(war))) {
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    zip.putNextEntry(new ZipEntry("WEB-INF/classes/" + classes.relativize(file).toString().replace(File.separatorChar, '/')));
                    Files.copy(file, zip);
                    zip.closeEntry();
                }
            }
            for (Path lib : tetherAndServletApi()) {
                String file = lib.getFileName().toString();
                if (file.startsWith("jakarta.servlet-api-")) continue; // the container's
                if (!Files.isRegularFile(lib)) throw new IllegalStateException("not a jar (run through mvn verify): " + lib);
                zip.putNextEntry(new ZipEntry("WEB-INF/lib/" + file));
                Files.copy(lib, zip);
                zip.closeEntry();
            }
            if (webXml != null) {
                zip.putNextEntry(new ZipEntry("WEB-INF/web.xml"));
                zip.write(webXml.getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return war;
    }

    private static void awaitReady(Process server, int port, Path log) throws IOException, InterruptedException {
        String failure = Processes.awaitWebSocketServlet(server, URI.create("http://127.0.0.1:" + port + "/chat"), TIMEOUT);
        if (failure != null) fail("the app is not serving: " + failure + "\n" + Files.readString(log, StandardCharsets.ISO_8859_1));
    }

    // ---------------------------------------------------------------- compiling

    private Path compileServlets() throws IOException {
        Map<String, String> servlets = sources.entrySet().stream().filter(e -> SERVLETS.contains(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        return compile("servlets", servlets, tetherAndServletApi());
    }

    /** Compiles {@code units} (class name to source) against {@code classPath} into work/name; fails with javac's messages. */
    private Path compile(String name, Map<String, String> units, List<Path> classPath) throws IOException {
        Path out = work.resolve(name + "-classes");
        Distribution.deleteTree(out);
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<JavaFileObject> files = new ArrayList<>();
        units.forEach((className, source) -> files.add(new Source(className, source)));
        try (StandardJavaFileManager fileManager = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            List<String> options = List.of("--release", "17", "-classpath", join(classPath), "-d", out.toString());
            boolean ok = javac.getTask(null, fileManager, diagnostics, options, null, files).call();
            if (!ok) {
                fail("README's " + units.keySet() + " do not compile against " + classPath + ":\n"
                        + diagnostics.getDiagnostics().stream().map(Object::toString).collect(Collectors.joining("\n")));
            }
        }
        return out;
    }

    private static final class Source extends SimpleJavaFileObject {
        private final String text;

        Source(String className, String text) {
            super(URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
            this.text = text;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
        }
    }

    // ---------------------------------------------------------------- class paths, from this test's own

    /** What README says to add: tether-servlet (with tether-runtime and tether-core) and the servlet API. */
    private static List<Path> tetherAndServletApi() {
        return classPath(FirstAppIT::isTetherServlet);
    }

    private static boolean isTetherServlet(String file) {
        return !file.contains("-tests") && (file.startsWith("tether-core-") || file.startsWith("tether-runtime-")
                || file.startsWith("tether-servlet-") || file.startsWith("jakarta.servlet-api-"));
    }

    /**
     * jetty-ee10-servlet and what it brings (jetty-ee, -server, -http, -io, -util, -security,
     * -session, slf4j-api), and Jetty's slf4j binding for its log; nothing else of Jetty's.
     */
    private static boolean isJetty(String file) {
        return JETTY_EE10_SERVLET.matcher(file).lookingAt() || file.startsWith("slf4j-api-");
    }

    private static final Pattern JETTY_EE10_SERVLET =
            Pattern.compile("jetty-(ee10-servlet|ee|server|http|io|util|security|session|slf4j-impl)-\\d");

    /** tomcat-embed-core and what it brings; no WebSocket stack. */
    private static boolean isTomcat(String file) {
        return file.startsWith("tomcat-embed-core-") || file.startsWith("tomcat-annotations-api-");
    }

    private static List<Path> classPath(Predicate<String> wanted) {
        List<Path> found = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of).filter(p -> p.getFileName() != null && wanted.test(p.getFileName().toString())).toList();
        if (found.isEmpty()) throw new IllegalStateException("nothing on this test's class path is wanted here");
        return found;
    }

    private static List<Path> concat(List<Path> first, List<Path> second, List<Path> third) {
        return Stream.of(first, second, third).flatMap(List::stream).toList();
    }

    private static String join(List<Path> paths) {
        return paths.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    // ---------------------------------------------------------------- the feed, read as curl reads it

    /**
     * GET /events with {@code Accept: *}{@code /*}, as curl sends it; its events, read on a thread of
     * their own, as (type, data) pairs.
     */
    private static final class Feed implements AutoCloseable {
        private final BlockingQueue<String[]> events = new LinkedBlockingQueue<>();
        private volatile Stream<String> lines;

        Feed(HttpClient http, URI uri) throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(uri).header("Accept", "*/*").timeout(TIMEOUT).build(); // for the head
            HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, response.statusCode(), "GET /events");
            assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElse("").split(";")[0].trim());
            lines = response.body();
            Thread reader = new Thread(this::read, "feed reader");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            String type = "message";
            StringBuilder data = new StringBuilder();
            try {
                for (String line : (Iterable<String>) lines::iterator) {
                    if (line.isEmpty()) {
                        if (data.length() > 0) events.add(new String[] {type, data.toString()});
                        type = "message";
                        data.setLength(0);
                    } else if (line.startsWith("event:")) {
                        type = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        if (data.length() > 0) data.append('\n');
                        data.append(line.substring(5).stripLeading());
                    }
                }
            } catch (UncheckedIOException e) {
                // closed by the test, or the server stopped: nothing more comes
            }
        }

        /** Waits for the event of {@code type} with {@code data}, skipping others (the ticks). */
        void awaitEvent(String type, String data) throws InterruptedException {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            List<String> seen = new ArrayList<>();
            while (true) {
                String[] event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (event == null) fail("no '" + type + "' event with data '" + data + "' on /events within " + TIMEOUT + "; saw " + seen);
                if (event[0].equals(type) && event[1].equals(data)) return;
                seen.add(event[0] + ": " + event[1]);
            }
        }

        @Override
        public void close() {
            Stream<String> open = lines;
            if (open != null) open.close();
        }
    }
}
