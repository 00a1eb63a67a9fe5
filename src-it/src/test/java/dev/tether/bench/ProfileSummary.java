package dev.tether.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where a Tether server's or client's CPU goes per message: the JFR execution samples of a recording
 * ({@link Profiler}) taken inside the measured windows, each put in one {@link Stage} by its stack,
 * and the shares turned into microseconds per message (or per MiB) with the profiled process's CPU
 * counters over the same windows.
 *
 * <p>A sample's stage is that of the top-most frame (the innermost call) that has one: Tether's own
 * classes by the rules in {@link #stageOf} (the server's transports in {@code dev.tether.servlet},
 * the client's in {@code dev.tether.client}, the runtime and the core they share), the containers'
 * packages, the JDK's channel code and the benchmark's own code. JDK frames that are only helpers
 * ({@code System.arraycopy}, {@code java.util}, {@code java.nio} buffers, locks, thread pools,
 * {@code SecureRandom}, the JDK's TLS and crypto) have none, so a sample in them goes to the nearest
 * frame under them that has one; the JDK's UTF-8 coding ({@code String.getBytes}, {@code StringCoding},
 * {@code sun.nio.cs.UTF_8}) is UTF-8 when Tether called it. A stack with no such frame at all is
 * {@link Stage#OTHER}. The rules are the same for both {@link Side sides} (a class runs on one side
 * only, or means the same on both); the side chooses the table's rows and their names.
 *
 * <p>Limits: a sample is Java code only (the kernel and the JVM's own threads come from {@code /proc});
 * JDK 17's sampler drops samples when the thread it stops is not running (the coverage line says how
 * many it kept); time inside the JVM's copy stubs lands on a nearby method inlined into the same
 * compiled code (with 1 MiB binary messages, binary copies showed up as UTF-8 validation in one
 * trial and as parsing in the next), even with {@link Profiler#JVM_FLAGS}.
 */
final class ProfileSummary {
    /** Which end of a connection the profiled process is: it decides the table's rows and their names. */
    enum Side {
        /** A Tether server in a container (or on Jetty's or Tomcat's own socket). */
        SERVER,
        /** Tether's client: the {@code client} module's NIO transport, no container. */
        CLIENT
    }

    /**
     * The stages of a message's way through a Tether server or client. Each has a name per side, or
     * none on a side it does not exist on (the client has no container, the server's TLS is the
     * container's): its row is left out there unless samples landed in it.
     */
    enum Stage {
        /** The frame parser: headers, lengths, the driver's frame dispatch, close frames. */
        PARSE("parse", "parse"),
        /**
         * Masking and unmasking payloads: the server unmasks what it reads; the client masks what it
         * sends (and takes the masking keys, {@code MaskKeys}, from a {@code SecureRandom}).
         */
        UNMASK("unmask", "mask"),
        /** UTF-8 validation of text, decoding it to a String, and encoding sent text. */
        UTF8("UTF-8", "UTF-8"),
        /** Message assembly and delivery to the listener: the runtime's serial events, its connection events. */
        MESSAGE("message", "message"),
        /**
         * Tether's side of reading: the transport's read loop, the runtime's handling of input and demand;
         * on the client also its selector loop and the dispatch of what the selector found ready.
         */
        READ("read", "read"),
        /** The runtime's send path up to and through the outbound queue and its batching. */
        QUEUE("queue", "queue"),
        /** Frame writing and the transport's write path in Tether (the writer, write completions). */
        WRITE("write", "write"),
        /**
         * The client's TLS sessions ({@code dev.tether.client.tls}: handshakes, wrapping, unwrapping),
         * with the JDK's TLS and crypto code under them. Not a server stage: there TLS is the container's.
         */
        TLS(null, "TLS"),
        /** The extension pipeline and permessage-deflate. */
        EXTENSIONS("extensions", "extensions"),
        /** The benchmark's own code: the server's echo handler; the client's driver and its echo bookkeeping. */
        APPLICATION("application", "application"),
        /** Jetty, Tomcat and the servlet API. Not a client stage. */
        CONTAINER("container", null),
        /** The JDK's channels and selectors ({@code sun.nio.ch}, {@code java.nio.channels}). */
        JDK_IO("JDK I/O", "JDK I/O"),
        /**
         * Anything else: other Tether code (handshakes, connecting, closing, timers), JDK-only stacks
         * (thread pools handing work over, idle spinning).
         */
        OTHER("other", "other");

        private final String serverLabel;
        private final String clientLabel;

        Stage(String serverLabel, String clientLabel) {
            this.serverLabel = serverLabel;
            this.clientLabel = clientLabel;
        }

        /** Whether it is a stage of {@code side}. */
        boolean on(Side side) {
            return (side == Side.SERVER ? serverLabel : clientLabel) != null;
        }

        /** Its name on {@code side}; on a side it is not a stage of, its name on the other. */
        String label(Side side) {
            String label = side == Side.SERVER ? serverLabel : clientLabel;
            return label != null ? label : side == Side.SERVER ? clientLabel : serverLabel;
        }
    }

    /** A measured window, in microseconds since the epoch. */
    record Window(long fromEpochUs, long toEpochUs) {
        boolean contains(Instant t) {
            long us = t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
            return us >= fromEpochUs && us < toEpochUs;
        }
    }

    /**
     * What the profiled process's counters say about the same windows, summed over them: messages
     * echoed (or the table's other unit of work, e.g. MiB echoed: see {@link Unit}), user CPU, the part
     * of it in the JVM's own threads (GC, JIT, VM, JFR) and kernel CPU.
     */
    record Cost(long messages, long userNanos, long jvmUserNanos, long systemNanos) {
        Cost plus(Cost other) {
            return new Cost(messages + other.messages, userNanos + other.userNanos, jvmUserNanos + other.jvmUserNanos,
                    systemNanos + other.systemNanos);
        }
    }

    /**
     * What the table's figures are per: {@code column} heads the column ({@code us/<column>}),
     * {@code counted} names {@link Cost#messages()} in the title line.
     */
    record Unit(String column, String counted) {
        /** Per message echoed. */
        static final Unit MESSAGE = new Unit("msg", "messages");
        /** Per MiB echoed (one way), for large messages. */
        static final Unit MIB = new Unit("MiB", "MiB");
    }

    /** The stages that end the search for one (the others are Tether's). */
    private static final Set<Stage> NOT_TETHER = Set.of(Stage.CONTAINER, Stage.JDK_IO, Stage.APPLICATION, Stage.OTHER);

    /** Tether classes (outer classes, by binary name) and their stage; {@link #METHODS} overrides it per method. */
    private static final Map<String, Stage> CLASSES = new HashMap<>();
    /** Tether methods ({@code class#method}) whose stage is not their class's. */
    private static final Map<String, Stage> METHODS = new HashMap<>();
    /**
     * Tether classes (or single methods, {@code class#method}) that are helpers of every stage: their
     * frames take the stage of their caller.
     */
    private static final Set<String> HELPERS = Set.of(
            "dev.tether.runtime.connection.ConnectionTimers", // activity() marks both reading and sending
            "dev.tether.message.BufferPool",
            "dev.tether.runtime.io.Handoff",
            "dev.tether.runtime.io.ApplicationCalls",
            "dev.tether.servlet.upgrade.ContextLoader", // calls into the application with its class loader
            "dev.tether.servlet.upgrade.TomcatUpgradeHandler#inApplication",
            "dev.tether.servlet.upgrade.UndertowTransport#inApplication",
            "dev.tether.servlet.upgrade.UndertowTransport#onWorker",
            "dev.tether.servlet.upgrade.UndertowTransport#inIoThread",
            // the client's: handing a task to the executor (SocketTransport and its SocketWrites.Owner),
            // and the selector's interest changes and wake-ups, which reading and writing both ask for
            "dev.tether.client.nio.SocketTransport#execute",
            "dev.tether.client.nio.SelectorLoop#interest",
            "dev.tether.client.nio.SelectorLoop#wakeup",
            "dev.tether.client.nio.SelectorLoop#execute",
            // whether there is TLS at all, asked by the read loop and the writes on every turn: theirs, not TLS
            "dev.tether.client.tls.TlsStack#isEmpty",
            "dev.tether.client.tls.TlsStack#handshaking");

    static {
        String hybi = "dev.tether.driver.hybi.";
        classes(Stage.PARSE, hybi + "FrameParser", hybi + "Opcode", hybi + "CloseFrames",
                "dev.tether.driver.hixie.Hixie75Driver", "dev.tether.driver.hixie.Hixie76Driver");
        classes(Stage.UNMASK, hybi + "Masking");
        classes(Stage.UTF8, "dev.tether.message.Utf8Validator", "dev.tether.sse.Utf8");
        classes(Stage.MESSAGE, hybi + "MessageAssembler", hybi + "InboundMessages", hybi + "FragmentDelivery",
                hybi + "FragmentReader", hybi + "MessageLimits", "dev.tether.message.Message", "dev.tether.message.Fragment",
                "dev.tether.message.MessageMemory", "dev.tether.message.MemoryBudget", "dev.tether.message.MessageType",
                "dev.tether.runtime.connection.ConnectionEvents", "dev.tether.runtime.connection.WebSocketConnection",
                "dev.tether.runtime.connection.LentBuffer", "dev.tether.runtime.connection.StreamedMessage",
                "dev.tether.runtime.io.SerialEvents", "dev.tether.runtime.io.MessageInput");
        classes(Stage.READ, "dev.tether.servlet.io.InboundPump", "dev.tether.servlet.upgrade.ReadBuffers",
                "dev.tether.servlet.upgrade.JettyEndPointTransport", "dev.tether.runtime.connection.TransportSide");
        classes(Stage.QUEUE, "dev.tether.runtime.io.OutboundQueue", "dev.tether.runtime.io.BatchWatch",
                "dev.tether.runtime.io.SendStage", "dev.tether.runtime.connection.MessageSender",
                "dev.tether.runtime.connection.PendingSends");
        classes(Stage.WRITE, hybi + "FrameWriter", hybi + "OutboundMessages", "dev.tether.servlet.io.NonBlockingWriter");
        // HybiDriver: parsing and the parser's callbacks (its anonymous FrameSink), control frames and
        // close, and the send methods that frame a message.
        classes(Stage.MESSAGE, hybi + "HybiDriver");
        methods(Stage.PARSE, hybi + "HybiDriver", "parse", "endOfInput", "dataFrameStart", "dataPayload", "dataFrameEnd");
        methods(Stage.WRITE, hybi + "HybiDriver", "text", "textUtf8", "binary", "uncompressed", "message", "fragment",
                "ping", "pong", "sendControl", "writeClose");
        methods(Stage.UTF8, hybi + "InboundMessages", "decode");
        methods(Stage.UTF8, hybi + "FragmentDelivery", "wholeCharacters");
        methods(Stage.UTF8, "dev.tether.runtime.connection.ConnectionEvents", "text");
        methods(Stage.QUEUE, "dev.tether.runtime.connection.WebSocketConnection", "send", "sendText", "sendBinary",
                "sendPart", "sendData", "bufferedAmount");
        methods(Stage.READ, "dev.tether.runtime.connection.WebSocketConnection", "demandInput", "demandInputHere",
                "pause", "resume");
        methods(Stage.WRITE, "dev.tether.runtime.connection.TransportSide", "flushed", "writeFailed");
        methods(Stage.WRITE, "dev.tether.servlet.upgrade.JettyEndPointTransport", "write", "onWritten", "onWriteFailed",
                "awaitWriteOver", "writesDirectBuffers");
        methods(Stage.OTHER, "dev.tether.servlet.upgrade.JettyEndPointTransport", "close", "abort", "closeEndPoint",
                "linger", "onClose", "onOpen", "onUpgradeTo", "notUpgraded", "onIdleExpired");
        classes(Stage.OTHER, "dev.tether.servlet.upgrade.ServletTransport");
        methods(Stage.WRITE, "dev.tether.servlet.upgrade.ServletTransport", "write");
        methods(Stage.READ, "dev.tether.servlet.upgrade.ServletTransport", "demand", "start");
        // The isolated container paths (servlet-adapter's src/main/tomcat and src/main/undertow): transports
        // over the container's own socket, reading by default.
        for (String transport : List.of("dev.tether.servlet.upgrade.TomcatUpgradeHandler",
                "dev.tether.servlet.upgrade.UndertowTransport")) {
            classes(Stage.READ, transport);
            methods(Stage.WRITE, transport, "write", "writeEnded", "completed", "continueWriting", "writeAll",
                    "writesDirectBuffers");
            methods(Stage.OTHER, transport, "close", "abort", "closeNow", "closed", "reportClosed", "destroy",
                    "timeoutAsync", "init", "attach", "startWhenReady", "setSocketWrapper", "setSslSupport", "toString",
                    "<init>");
        }
        // Tether's client (the client module): an NIO transport on the JDK's channels, no container. Its
        // selector loop and the transport's reading (on the executor) are read; its writes (on the caller's
        // thread, or on the executor once the socket is writable) are write; connecting and closing are other.
        String nio = "dev.tether.client.nio.";
        classes(Stage.READ, nio + "SelectorLoop", nio + "SocketTransport");
        methods(Stage.OTHER, nio + "SelectorLoop", "<init>", "register", "shutDown", "close");
        methods(Stage.WRITE, nio + "SocketTransport", "write", "writesDirectBuffers");
        methods(Stage.TLS, nio + "SocketTransport", "startTls", "sendHandshake");
        methods(Stage.OTHER, nio + "SocketTransport", "<init>", "remoteAddress", "pushBack", "close", "concat",
                "startLinger", "abort", "onLoopClosed", "afterFin", "outputShut", "drainOnSelector", "drain", "broke",
                "closeChannel");
        classes(Stage.WRITE, nio + "SocketWrites");
        methods(Stage.OTHER, nio + "SocketWrites", "<init>", "close", "abort", "writeAlertsNow");
        // the masking keys of every frame the client sends (the rest of dev.tether.client.connect is the connect step)
        methods(Stage.UNMASK, "dev.tether.client.connect.MaskKeys", "getAsInt");
    }

    private static void classes(Stage stage, String... names) {
        for (String name : names) {
            CLASSES.put(name, stage);
        }
    }

    private static void methods(Stage stage, String className, String... names) {
        for (String name : names) {
            METHODS.put(className + "#" + name, stage);
        }
    }

    /** The JDK's UTF-8 coding: UTF-8 when Tether called it, else its caller's stage. */
    private static boolean isJdkUtf8(String className, String method) {
        return className.equals("java.lang.StringCoding") || className.startsWith("sun.nio.cs.UTF_8")
                || className.equals("java.nio.charset.CharsetEncoder") || className.equals("java.nio.charset.CharsetDecoder")
                || className.equals("java.lang.String") && (method.equals("getBytes") || method.startsWith("encode")
                        || method.startsWith("decode"));
    }

    /**
     * The stage of one frame ({@code class} by binary name, as in a stack trace), or null for a helper
     * that takes its caller's. Lambda bodies ({@code lambda$send$2}) count as the method they are
     * written in, inner classes as their outer class; the lambdas' own generated classes are helpers.
     */
    static Stage stageOf(String className, String method) {
        if (className.contains("$$Lambda")) {
            return null;
        }
        int inner = className.indexOf('$');
        String outer = inner < 0 ? className : className.substring(0, inner);
        if (method.startsWith("lambda$")) {
            int end = method.indexOf('$', 7);
            method = end < 0 ? method.substring(7) : method.substring(7, end);
        }
        if (outer.startsWith("dev.tether.bench.")) {
            return Stage.APPLICATION;
        }
        if (outer.startsWith("dev.tether.")) {
            if (HELPERS.contains(outer) || HELPERS.contains(outer + "#" + method)) {
                return null;
            }
            Stage stage = METHODS.get(outer + "#" + method);
            if (stage == null) {
                stage = CLASSES.get(outer);
            }
            if (stage == null) {
                stage = outer.startsWith("dev.tether.extension.") ? Stage.EXTENSIONS
                        : outer.startsWith("dev.tether.client.tls.") ? Stage.TLS : Stage.OTHER;
            }
            return stage;
        }
        if (outer.startsWith("org.eclipse.jetty.") || outer.startsWith("org.apache.tomcat.")
                || outer.startsWith("org.apache.coyote.") || outer.startsWith("org.apache.catalina.")
                || outer.startsWith("org.apache.juli.") || outer.startsWith("jakarta.servlet.")) {
            return Stage.CONTAINER;
        }
        if (outer.startsWith("sun.nio.ch.") || outer.startsWith("java.nio.channels.")) {
            return Stage.JDK_IO;
        }
        return null;
    }

    /**
     * The stage of a sample whose stack is {@code frames}, innermost first, each
     * {@code binary.class.Name.method}.
     */
    static Stage classify(List<String> frames) {
        for (int i = 0; i < frames.size(); i++) {
            String frame = frames.get(i);
            int dot = frame.lastIndexOf('.');
            String className = frame.substring(0, dot);
            String method = frame.substring(dot + 1);
            if (isJdkUtf8(className, method)) {
                Stage caller = classify(frames.subList(i + 1, frames.size()));
                return NOT_TETHER.contains(caller) ? caller : Stage.UTF8;
            }
            Stage stage = stageOf(className, method);
            if (stage != null) {
                return stage;
            }
        }
        return Stage.OTHER;
    }

    private final Map<Stage, Long> samples = new EnumMap<>(Stage.class);
    private long total;
    /** Samples outside the windows, and JFR's own threads' samples: left out. */
    private long outside;
    private int collections;
    private Duration pauses = Duration.ZERO;
    /** For {@link Stage#OTHER}: how often each innermost frame was seen, to show what the rules miss. */
    private final Map<String, Long> otherTops = new HashMap<>();

    /** With {@link #read}'s {@code keepStacks}: how often each stack was seen, by stage. */
    private final Map<Stage, Map<List<String>, Long>> stacks = new EnumMap<>(Stage.class);

    private ProfileSummary() {
    }

    /**
     * Looks into a recording, for checking the rules: {@code ProfileSummary <file.jfr> [stage] [count]} prints
     * every sample's stage (the whole recording, no windows; stages by their server names) and, for
     * {@code stage} (a label on either side, e.g. {@code other} or {@code mask}), its {@code count} most
     * frequent stacks (default 10).
     */
    public static void main(String[] args) throws IOException {
        ProfileSummary summary = read(Path.of(args[0]), List.of(new Window(Long.MIN_VALUE, Long.MAX_VALUE)), true);
        for (Stage stage : Stage.values()) {
            System.out.printf(Locale.ROOT, "%-12s %8d%n", stage.label(Side.SERVER), summary.samples(stage));
        }
        if (args.length > 1) {
            Stage stage = java.util.Arrays.stream(Stage.values()).filter(s -> s.label(Side.SERVER).equalsIgnoreCase(args[1])
                            || s.label(Side.CLIENT).equalsIgnoreCase(args[1]))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("no stage " + args[1]));
            int count = args.length > 2 ? Integer.parseInt(args[2]) : 10;
            summary.stacks.getOrDefault(stage, Map.of()).entrySet().stream()
                    .sorted(Map.Entry.<List<String>, Long>comparingByValue().reversed()).limit(count)
                    .forEach(e -> System.out.println(e.getValue() + "\n    " + String.join("\n    ", e.getKey())));
        }
    }

    /** Reads {@code recording}, keeping what happened inside {@code windows}. */
    static ProfileSummary read(Path recording, List<Window> windows) throws IOException {
        return read(recording, windows, false);
    }

    private static ProfileSummary read(Path recording, List<Window> windows, boolean keepStacks) throws IOException {
        ProfileSummary summary = new ProfileSummary();
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            boolean inside = windows.stream().anyMatch(w -> w.contains(event.getStartTime()));
            switch (event.getEventType().getName()) {
                case "jdk.ExecutionSample" -> {
                    RecordedThread thread = event.getThread("sampledThread");
                    String threadName = thread == null || thread.getJavaName() == null ? "" : thread.getJavaName();
                    RecordedStackTrace stack = event.getStackTrace();
                    if (!inside || stack == null || threadName.startsWith("JFR ")) {
                        summary.outside++;
                        continue;
                    }
                    List<String> frames = new ArrayList<>(stack.getFrames().size());
                    for (RecordedFrame frame : stack.getFrames()) {
                        frames.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName());
                    }
                    Stage stage = classify(frames);
                    summary.samples.merge(stage, 1L, Long::sum);
                    summary.total++;
                    if (keepStacks) {
                        summary.stacks.computeIfAbsent(stage, k -> new HashMap<>())
                                .merge(frames.subList(0, Math.min(frames.size(), 25)), 1L, Long::sum);
                    }
                    if (stage == Stage.OTHER && !frames.isEmpty()) {
                        summary.otherTops.merge(frames.get(0), 1L, Long::sum);
                    }
                }
                case "jdk.GarbageCollection" -> {
                    if (inside) {
                        summary.collections++;
                        summary.pauses = summary.pauses.plus(event.getDuration("sumOfPauses"));
                    }
                }
                default -> {
                    // nothing else is recorded on purpose
                }
            }
        }
        return summary;
    }

    long samples(Stage stage) {
        return samples.getOrDefault(stage, 0L);
    }

    long total() {
        return total;
    }

    /**
     * Prints the table: per stage of {@code side} (and any other stage that has samples) its samples,
     * share and microseconds per {@code unit} (the share of the user CPU per unit that ran Java code,
     * i.e. without the JVM's own threads), then the JVM's threads and the kernel per unit from the
     * counters.
     */
    void print(PrintStream out, String title, Cost cost, Side side, Unit unit) {
        double messages = Math.max(1, cost.messages());
        double javaUs = (cost.userNanos() - cost.jvmUserNanos()) / 1000.0 / messages;
        double jvmUs = cost.jvmUserNanos() / 1000.0 / messages;
        double kernelUs = cost.systemNanos() / 1000.0 / messages;
        double javaMillis = (cost.userNanos() - cost.jvmUserNanos()) / 1e6;
        double coverage = javaMillis <= 0 ? 0 : total / javaMillis;
        out.printf(Locale.ROOT, "%s: %d samples in the measured windows, for %.0f ms of user CPU in Java code: %.0f%% of"
                + " one sample per ms (%d %s; %d samples outside the windows or of JFR's threads left out)%n",
                title, total, javaMillis, coverage * 100, cost.messages(), unit.counted(), outside);
        if (coverage < 0.25) {
            out.println("  few samples: JFR's sampler (JDK 17) drops a sample when the thread it stops does not run within"
                    + " 2 ms, as on a loaded machine or with several runnable threads on the pinned core; read the shares"
                    + " with care");
        }
        out.printf(Locale.ROOT, "  %-26s %9s %8s %9s%n", "stage", "samples", "share", "us/" + unit.column());
        for (Stage stage : Stage.values()) {
            long n = samples(stage);
            if (!stage.on(side) && n == 0) {
                continue;
            }
            double share = total == 0 ? 0 : n / (double) total;
            out.printf(Locale.ROOT, "  %-26s %9d %7.1f%% %9.3f%n", stage.label(side), n, share * 100, share * javaUs);
        }
        out.printf(Locale.ROOT, "  %-26s %9d %7.1f%% %9.3f%n", "= Java code (user CPU)", total, total == 0 ? 0.0 : 100.0, javaUs);
        out.printf(Locale.ROOT, "  %-26s %9s %8s %9.3f%n", "JVM threads (GC, JIT, VM)", "", "", jvmUs);
        out.printf(Locale.ROOT, "  %-26s %9s %8s %9.3f%n", "kernel", "", "", kernelUs);
        out.printf(Locale.ROOT, "  %-26s %9s %8s %9.3f%n", "= all CPU", "", "", javaUs + jvmUs + kernelUs);
        out.printf(Locale.ROOT, "  GC in the windows: %d collections, %.1f ms of pauses%n", collections, pauses.toNanos() / 1e6);
        if (!otherTops.isEmpty()) {
            StringBuilder tops = new StringBuilder();
            otherTops.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(3)
                    .forEach(e -> tops.append(tops.length() == 0 ? "" : ", ").append(e.getKey()).append(" (").append(e.getValue()).append(')'));
            out.println("  other, innermost frames most seen: " + tops);
        }
    }
}
