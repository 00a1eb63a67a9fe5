package dev.tether.bench.server;

import dev.tether.extension.deflate.PerMessageDeflate;
import jakarta.websocket.server.ServerContainer;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One benchmark server in its own JVM: {@code BenchServer <kind> [--deflate <config>]} starts it on a
 * free port of 127.0.0.1, prints {@code READY <port>}, then answers commands on stdin until stdin
 * closes: {@code heap} (live heap after GC, in bytes), and for Tether's echo {@code idle} ({@code IDLE
 * open=…} once no echo connection is open, or after 60 s with the number still open) and
 * {@code contexts} ({@code CONTEXTS <n>}: {@link PerMessageDeflate#compressionContextsInUse()}); for SSE,
 * {@code publish <seconds>} (S4: {@code PUBLISHED events=… subscribers=…}) and {@code tick <seconds>
 * <intervalMillis> <subscribers>} (S5: {@code TICKED ticks=… subscribers=… slowestPublishUs=…}, see {@link #tick}).
 * Kinds: {@code tether-jetty}, {@code tether-tomcat}, {@code jetty-own}, {@code tomcat-own}; for S3
 * {@code tomcat-floor} and {@code jetty-floor} (an upgraded connection that no library keeps anything for,
 * the container's handshake and takeover alone: see {@link UpgradeFloor}); and {@code jvm-floor}, no
 * container and no library, the smallest WebSocket echo a JVM can run on plain NIO (S1, S2 and S3: see
 * {@link JvmFloorEcho}; of the commands, {@code heap} and {@code gcpeak} only).
 * {@code broker-jetty} is the broker benchmark's node ({@link BrokerNode}): {@code --broker local} or
 * {@code --broker redis=<uri>} (required), {@code --key-prefix <p>} for Redis's keys and channels (default
 * {@code tether:}), and the command {@code await-members ws|sse <count>} ({@code MEMBERS ws=… sse=…}, this node's members of each topic,
 * once that many are here or after 30 s).
 * {@code gcpeak} ({@code GCPEAK after=… collections=…}: the most heap in use after any collection since the
 * last {@code gcpeak}, and how many collections there were: see {@link GcPeak}).
 * {@code --stream} makes every echo forward each message part by part, of any size: Tether's
 * {@link TetherPipeEcho} ({@code MessagePipe.echo()}, no message limit), the containers' own
 * {@link JsrPartialEcho} (JSR-356 partial messages). {@code --deflate} turns permessage-deflate on in Tether's echo: {@code defaults}
 * ({@link PerMessageDeflate#defaults()}), {@code threshold0} (every message compressed, however small),
 * {@code no-takeover} (no context takeover either way) or {@code uncapped} (the defaults without a cap on
 * compression contexts). Jetty's and Tomcat's own stacks agree to permessage-deflate without being asked.
 */
public final class BenchServer {
    private static final Logger QUIET = Logger.getLogger("org.apache");

    private BenchServer() {
    }

    public static void main(String[] args) throws Exception {
        QUIET.setLevel(Level.WARNING);
        String kind = args[0];
        String brokerMode = null;
        String keyPrefix = "tether:";
        for (int i = 1; i < args.length; i++) {
            if (kind.equals("broker-jetty") && args[i].equals("--broker") && i + 1 < args.length) {
                brokerMode = args[++i];
            } else if (kind.equals("broker-jetty") && args[i].equals("--key-prefix") && i + 1 < args.length) {
                keyPrefix = args[++i];
            } else if (args[i].equals("--deflate") && i + 1 < args.length && kind.startsWith("tether-")) {
                deflate = deflate(args[++i]);
            } else if (args[i].equals("--stream") && !kind.endsWith("-floor") && !kind.equals("jetty-async")) {
                stream = true;
            } else {
                throw new IllegalArgumentException("usage: BenchServer <kind> [--deflate <config>] [--stream]"
                        + " (--deflate for tether-* kinds), or BenchServer broker-jetty --broker local|redis=<uri>"
                        + " [--key-prefix <p>]");
            }
        }
        if (stream && deflate != null) {
            throw new IllegalArgumentException("--stream echoes without permessage-deflate");
        }
        GcPeak.install();
        BrokerNode node = null;
        if (kind.equals("broker-jetty")) {
            if (brokerMode == null) {
                throw new IllegalArgumentException("broker-jetty needs --broker local|redis=<uri>");
            }
            node = BrokerNode.start(brokerMode, keyPrefix);
            System.out.println("READY " + node.port());
        }
        BrokerNode brokerNode = node;
        AutoCloseable server = brokerNode != null ? brokerNode::close : switch (kind) {
            case "tether-jetty", "jetty-own", "jetty-async", "jetty-floor" -> jetty(kind);
            case "tether-tomcat", "tomcat-own", "tomcat-floor" -> tomcat(kind);
            case "jvm-floor" -> jvmFloor();
            default -> throw new IllegalArgumentException("unknown server kind: " + kind);
        };
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = commands.readLine()) != null; ) {
            if (line.equals("heap")) {
                System.out.println("HEAP " + liveHeapAfterGc());
            } else if (line.equals("gcpeak")) {
                System.out.println("GCPEAK " + GcPeak.takeReport());
            } else if (line.equals("idle")) {
                System.out.println("IDLE open=" + TetherEcho.awaitNoneOpen(60));
            } else if (line.startsWith("await-members ")) { // await-members <ws|sse> <count>
                String[] words = line.split(" ");
                System.out.println(brokerNode == null ? "ERROR not a broker node"
                        : "MEMBERS " + brokerNode.awaitMembers(words[1], Integer.parseInt(words[2]), 30));
            } else if (line.equals("contexts")) {
                System.out.println(deflate == null ? "ERROR no Tether permessage-deflate in this server"
                        : "CONTEXTS " + deflate.compressionContextsInUse());
            } else if (line.startsWith("publish ")) {
                int subscribers = sse.subscribers();
                long published = sse.publish(Double.parseDouble(line.substring(8)));
                System.out.println("PUBLISHED events=" + published + " subscribers=" + subscribers);
            } else if (line.startsWith("tick ")) { // tick <seconds> <intervalMillis> <subscribers>
                String[] words = line.split(" ");
                System.out.println(tick(Double.parseDouble(words[1]), Long.parseLong(words[2]), Integer.parseInt(words[3])));
            }
            System.out.flush();
        }
        server.close();
    }

    /**
     * S5's ticks: every {@code intervalMillis} for {@code seconds}, one event to every subscriber whose
     * data is its publish time (microseconds since the epoch, the clock the generator reads on the same
     * machine) and its number from 0. Paced on a fixed schedule, not after the previous tick, so a
     * publish that blocks shows as lateness and not as fewer ticks; {@code slowestPublishUs} is the
     * longest a publish call took. Starts once {@code subscribers} have subscribed (a client has the
     * response head a moment before its stream joins), or after 10 s with fewer.
     */
    private static String tick(double seconds, long intervalMillis, int subscribers) throws Exception {
        sse.awaitSubscribers(subscribers, Duration.ofSeconds(10));
        long ticks = (long) (seconds * 1000) / intervalMillis;
        CountDownLatch published = new CountDownLatch((int) ticks);
        AtomicLong next = new AtomicLong();
        AtomicLong slowest = new AtomicLong();
        AtomicReference<Exception> failed = new AtomicReference<>();
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        try {
            // At a fixed rate: a publish that blocks delays the ticks behind it, which shows as their lateness.
            pacer.scheduleAtFixedRate(() -> {
                long i = next.getAndIncrement();
                if (i >= ticks || failed.get() != null) {
                    return;
                }
                long before = System.nanoTime();
                try {
                    sse.publishOne(epochMicros() + " " + i);
                } catch (Exception e) {
                    failed.set(e);
                    for (long left = published.getCount(); left > 0; left--) {
                        published.countDown(); // the waiting command answers at once
                    }
                    return;
                }
                slowest.accumulateAndGet(System.nanoTime() - before, Math::max);
                published.countDown();
            }, 0, intervalMillis, TimeUnit.MILLISECONDS);
            if (!published.await((long) (seconds * 1000) + 30_000, TimeUnit.MILLISECONDS)) {
                return "ERROR " + (ticks - published.getCount()) + " of " + ticks + " ticks published in time";
            }
        } finally {
            pacer.shutdownNow();
        }
        if (failed.get() != null) {
            return "ERROR a tick failed: " + String.valueOf(failed.get()).replace('\n', ' ');
        }
        return "TICKED ticks=" + ticks + " subscribers=" + sse.subscribers() + " slowestPublishUs=" + slowest.get() / 1000;
    }

    /** Now, in microseconds since the epoch. */
    private static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /** Tether's permessage-deflate, when {@code --deflate} turned it on. */
    private static PerMessageDeflate deflate;
    /** {@code --stream}: the echo forwards each message part by part (see {@link TetherPipeEcho}, {@link JsrPartialEcho}). */
    private static boolean stream;

    private static PerMessageDeflate deflate(String config) {
        return switch (config) {
            case "defaults" -> PerMessageDeflate.defaults();
            case "threshold0" -> PerMessageDeflate.builder().threshold(0).build();
            case "no-takeover" -> PerMessageDeflate.builder().serverNoContextTakeover(true).clientNoContextTakeover(true).build();
            case "uncapped" -> PerMessageDeflate.builder().maxCompressionContexts(Integer.MAX_VALUE).build();
            default -> throw new IllegalArgumentException("unknown deflate configuration: " + config);
        };
    }

    private static long liveHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Where /sse subscribers go, and what publishes to them. */
    private static SsePublisher sse;

    private static AutoCloseable jetty(String kind) throws Exception {
        boolean tether = kind.equals("tether-jetty");
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        SsePublisher publisher = switch (kind) {
            case "tether-jetty" -> new TetherSse();
            case "jetty-own" -> new JettyEventSourceSse();
            default -> new AsyncServletSse();
        };
        sse = publisher;
        ServletHolder sseHolder = new ServletHolder((jakarta.servlet.Servlet) publisher);
        sseHolder.setAsyncSupported(true);
        context.addServlet(sseHolder, "/sse");
        if (tether) {
            context.addServlet(new ServletHolder(stream ? new TetherPipeEcho() : new TetherEcho(deflate)), "/echo");
        } else if (kind.equals("jetty-floor")) {
            context.addServlet(new ServletHolder(new UpgradeFloor(UpgradeFloor.Route.CONTAINER)), "/echo");
        } else {
            JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
                if (stream) {
                    container.setDefaultMaxTextMessageBufferSize(JsrPartialEcho.BUFFER);
                    container.setDefaultMaxBinaryMessageBufferSize(JsrPartialEcho.BUFFER);
                    container.addEndpoint(JsrPartialEcho.class);
                    return;
                }
                if (JsrEcho.LARGE_MESSAGES) {
                    container.setDefaultMaxTextMessageBufferSize(2 << 20);
                    container.setDefaultMaxBinaryMessageBufferSize(2 << 20);
                } else if (JsrEcho.TEXT_BUFFER > 0) {
                    container.setDefaultMaxTextMessageBufferSize(JsrEcho.TEXT_BUFFER);
                }
                container.addEndpoint(JsrEcho.class);
            });
        }
        server.setHandler(context);
        server.start();
        System.out.println("READY " + connector.getLocalPort());
        return server::stop;
    }

    /** {@code jvm-floor}: {@link JvmFloorEcho}, no container. */
    private static AutoCloseable jvmFloor() throws Exception {
        JvmFloorEcho echo = JvmFloorEcho.start();
        System.out.println("READY " + echo.port());
        return echo;
    }

    private static AutoCloseable tomcat(String kind) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("bench-tomcat").toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setProperty("address", "127.0.0.1");
        connector.setPort(0);
        connector.setProperty("maxConnections", "20000");
        connector.setProperty("connectionTimeout", "-1");
        // A deployment's tuning, tried for README's advice on memory (never in published runs): the
        // size of the two socket buffers Tomcat gives every connection, 8 KiB each by default.
        String socketBuffers = System.getProperty("bench.tomcat.socketBuffers");
        if (socketBuffers != null) {
            connector.setProperty("socket.appReadBufSize", socketBuffers);
            connector.setProperty("socket.appWriteBufSize", socketBuffers);
        }
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        TetherSse tetherSse = new TetherSse();
        sse = tetherSse;
        org.apache.catalina.Wrapper sseWrapper = Tomcat.addServlet(context, "sse", tetherSse);
        sseWrapper.setAsyncSupported(true);
        sseWrapper.addMapping("/sse");
        if (kind.equals("tether-tomcat")) {
            Tomcat.addServlet(context, "echo", stream ? new TetherPipeEcho() : new TetherEcho(deflate)).addMapping("/echo");
        } else if (kind.equals("tomcat-floor")) {
            Tomcat.addServlet(context, "echo", new UpgradeFloor(UpgradeFloor.Route.PORTABLE)).addMapping("/echo");
        } else {
            // Tomcat runs filters (WsFilter does the upgrade) only for a mapped request: map a default servlet.
            Tomcat.addServlet(context, "default", new org.apache.catalina.servlets.DefaultServlet()).addMapping("/");
            context.addServletContainerInitializer(new WsSci(), null);
            context.addServletContainerInitializer((classes, servletContext) -> {
                ServerContainer container = (ServerContainer) servletContext.getAttribute(ServerContainer.class.getName());
                if (stream) {
                    container.setDefaultMaxTextMessageBufferSize(JsrPartialEcho.BUFFER);
                    container.setDefaultMaxBinaryMessageBufferSize(JsrPartialEcho.BUFFER);
                    try {
                        container.addEndpoint(JsrPartialEcho.class);
                    } catch (jakarta.websocket.DeploymentException e) {
                        throw new jakarta.servlet.ServletException(e);
                    }
                    return;
                }
                if (JsrEcho.LARGE_MESSAGES) {
                    container.setDefaultMaxTextMessageBufferSize(2 << 20);
                    container.setDefaultMaxBinaryMessageBufferSize(2 << 20);
                } else if (JsrEcho.TEXT_BUFFER > 0) {
                    container.setDefaultMaxTextMessageBufferSize(JsrEcho.TEXT_BUFFER);
                }
                try {
                    container.addEndpoint(JsrEcho.class);
                } catch (jakarta.websocket.DeploymentException e) {
                    throw new jakarta.servlet.ServletException(e);
                }
            }, null);
        }
        tomcat.start();
        System.out.println("READY " + connector.getLocalPort());
        return () -> {
            tomcat.stop();
            tomcat.destroy();
        };
    }
}
