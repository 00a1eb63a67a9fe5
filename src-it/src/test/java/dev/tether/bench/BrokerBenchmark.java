package dev.tether.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The broker benchmark (issue 22), on demand: broadcast through {@code RedisBroker} across two nodes beside
 * {@code LocalBroker} on one, in the same run.
 *
 * <pre>mvn -B -pl src-it -am -Pload test-compile exec:exec -Dbench.main=dev.tether.bench.BrokerBenchmark [-Dbench.args="--quick"]</pre>
 *
 * <p>Processes: Debian's {@code redis-server} ({@link RedisProcess}, no persistence); the nodes, each a
 * {@code BenchServer broker-jetty} JVM (Tether on embedded Jetty 12.1, the flags of every benchmark server,
 * pinned to core 0 like them) with WebSocket topic and event topic {@code bench}; and one load process
 * ({@link dev.tether.bench.load.BroadcastGenerator}, pinned to core 1) holding every subscriber and the
 * publisher. Setups, all up at once and measured in turn:
 * <ul>
 *   <li>{@code local-1}: every subscriber on one node with {@code LocalBroker};</li>
 *   <li>{@code redis-1}: every subscriber on one node with {@code RedisBroker} (what Redis costs one node:
 *       a WebSocket broadcast is sent to the members here and published once; an event goes to the stream
 *       and back through this node's reader);</li>
 *   <li>{@code redis-2}: the subscribers split between two nodes sharing Redis.</li>
 * </ul>
 * Each Redis setup has its own key prefix, so their topics are apart in the one Redis.
 *
 * <p>The publisher is in the load process: it writes each message, stamped with its {@code nanoTime} and a
 * sequence number, over a WebSocket to node A's {@code /control}, which broadcasts it as it is. Sending and
 * receiving are timed by one clock, and the latency is publish to receipt, including the hop to node A. A
 * message is in flight until every subscriber has it. Per setup: {@code paced} (the given rate) and {@code
 * max} (as fast as a window of messages in flight allows). B1: WebSocket topic, 64-byte text messages;
 * B2: event topic (Redis Streams through Redis), 64 bytes of data per event.
 *
 * <p>Each setup is warmed up at max rate, then batches run in turn on every setup; figures are medians over
 * batches. CPU is taken over each measured window from {@code /proc}: each node (and its threads named
 * {@code lettuce*}: Lettuce's event loops, with the fan-out they call on a node that receives from Redis),
 * redis-server, the load process.
 *
 * <p>Options: {@code --scenarios b1,b2} {@code --setups local-1,redis-1,redis-2} {@code --subscribers N}
 * (1,000) {@code --rate N} (paced messages/s, 20: well below what any setup can carry, so that its latency is the
 * path's and not a queue's) {@code --window N} (max's messages in flight, 32)
 * {@code --batches N} (5) {@code --batch-seconds S} (5, each mode) {@code --warmup S} (10) {@code
 * --redis-core N} (1, beside the load process; -1 unpinned) {@code --quick} (200 subscribers, 1 batch of
 * 2 s, 1 s warm-up: a smoke test).
 */
public final class BrokerBenchmark {
    private static final List<String> ALL_SETUPS = List.of("local-1", "redis-1", "redis-2");
    /** A process or a pinned core at this share of one core or above is taken as saturated. */
    private static final double SATURATED = 0.85;

    private final PrintStream out = System.out;
    private List<String> scenarios = List.of("b1", "b2");
    private List<String> setupNames = ALL_SETUPS;
    private int subscribers = 1000;
    private double rate = 20;
    private int window = 32;
    private int batches = 5;
    private double batchSeconds = 5;
    private double warmup = 10;
    private int redisCore = 1;

    public static void main(String[] args) throws Exception {
        BrokerBenchmark bench = new BrokerBenchmark();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--scenarios" -> bench.scenarios = List.of(args[++i].split(","));
                case "--setups" -> bench.setupNames = List.of(args[++i].split(","));
                case "--subscribers" -> bench.subscribers = Integer.parseInt(args[++i]);
                case "--rate" -> bench.rate = Double.parseDouble(args[++i]);
                case "--window" -> bench.window = Integer.parseInt(args[++i]);
                case "--batches" -> bench.batches = Math.max(1, Integer.parseInt(args[++i]));
                case "--batch-seconds" -> bench.batchSeconds = Double.parseDouble(args[++i]);
                case "--warmup" -> bench.warmup = Double.parseDouble(args[++i]);
                case "--redis-core" -> bench.redisCore = Integer.parseInt(args[++i]);
                case "--quick" -> {
                    bench.subscribers = 200;
                    bench.batches = 1;
                    bench.batchSeconds = 2;
                    bench.warmup = 1;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        for (String name : bench.setupNames) {
            if (!ALL_SETUPS.contains(name)) {
                throw new IllegalArgumentException("unknown setup " + name + "; the setups are " + ALL_SETUPS);
            }
        }
        if (bench.subscribers < 2 || bench.rate <= 0 || bench.window < 1 || bench.window > 4096 || bench.batchSeconds <= 0
                || bench.warmup <= 0) {
            throw new IllegalArgumentException("--subscribers at least 2; --window 1 to 4,096; --rate, --batch-seconds, --warmup"
                    + " positive");
        }
        bench.run();
    }

    /** A setup: its nodes, the first being node A (the publisher's). */
    private record Setup(String name, List<ServerProcess> nodes, boolean redis) {
    }

    /** One measured window. CPU in cores; -1 where the process is not part of the setup. */
    private record Row(double publishedPerSecond, double deliveredPerSecond, double p50ms, double p99ms, double otherP50ms,
                       double otherP99ms, double nodeA, double lettuceA, double nodeB, double lettuceB, double redis,
                       double load, double core0, double core1) {
    }

    private void run() throws Exception {
        long start = System.nanoTime();
        boolean pinnedRedis = ChildProcess.PINNING && redisCore >= 0;
        out.printf(Locale.ROOT, "Machine: %d cores, %s %s, JDK %s; Jetty %s, redis-server %s; node flags %s; pinned: %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
                System.getProperty("java.version"), org.eclipse.jetty.util.Jetty.VERSION, RedisProcess.version(),
                String.join(" ", ServerProcess.JVM_FLAGS), !ChildProcess.PINNING ? "no (taskset missing)"
                        : "nodes core 0, load process core 1, redis-server " + (pinnedRedis ? "core " + redisCore : "unpinned"));
        out.printf(Locale.ROOT, "%,d subscribers per setup (split evenly on redis-2); publisher in the load process through node A's"
                        + " /control; paced %.0f msgs/s, max %d in flight; warm-up %.0f s per setup, then %d batch(es) of %.0f s per"
                        + " mode, medians%n", subscribers, rate, window, warmup, batches, batchSeconds);
        try (RedisProcess redis = RedisProcess.start(pinnedRedis ? redisCore : -1); Generator generator = new Generator()) {
            List<Setup> setups = new ArrayList<>();
            try {
                for (String name : setupNames) {
                    setups.add(startSetup(name, redis));
                }
                for (Setup s : setups) {
                    generator.send("control " + s.name() + " " + s.nodes().get(0).port, "CONTROL", 60);
                }
                if (scenarios.contains("b1")) {
                    scenario(generator, redis, setups, true);
                }
                if (scenarios.contains("b2")) {
                    scenario(generator, redis, setups, false);
                }
            } finally {
                for (Setup s : setups) {
                    for (ServerProcess node : s.nodes()) {
                        node.close();
                    }
                }
            }
        }
        out.printf(Locale.ROOT, "%nRun took %.1f min.%n", (System.nanoTime() - start) / 60e9);
    }

    private static Setup startSetup(String name, RedisProcess redis) throws Exception {
        return switch (name) {
            case "local-1" -> new Setup(name, List.of(node("local-1", "local", "-")), false);
            case "redis-1" -> new Setup(name, List.of(node("redis-1", "redis=" + redis.uri(), "bench-redis-1:")), true);
            case "redis-2" -> new Setup(name, List.of(node("redis-2a", "redis=" + redis.uri(), "bench-redis-2:"),
                    node("redis-2b", "redis=" + redis.uri(), "bench-redis-2:")), true);
            default -> throw new IllegalArgumentException("unknown setup " + name);
        };
    }

    private static ServerProcess node(String name, String broker, String keyPrefix) throws Exception {
        List<String> args = new ArrayList<>(List.of("--broker", broker));
        if (!keyPrefix.equals("-")) {
            args.addAll(List.of("--key-prefix", keyPrefix));
        }
        return new ServerProcess(name, "broker-jetty", List.of(), args);
    }

    // ---- B1 and B2

    private void scenario(Generator generator, RedisProcess redis, List<Setup> setups, boolean webSocket) throws Exception {
        String kind = webSocket ? "ws" : "sse";
        out.println();
        out.println(webSocket
                ? "B1: WebSocket broadcast, " + subscribers + " subscribers, 64-byte text messages (WebSocket topic; Redis pub/sub)"
                : "B2: SSE broadcast, " + subscribers + " subscribers, 64-byte events (event topic; Redis Streams)");
        for (Setup s : setups) {
            int n = s.nodes().size();
            for (int i = 0; i < n; i++) {
                ServerProcess node = s.nodes().get(i);
                int count = subscribers / n + (i < subscribers % n ? 1 : 0);
                generator.send(String.format(Locale.ROOT, "open %s %s %d %d %d", s.name(), kind, node.port, count, i), "OPENED", 300);
                awaitMembers(node, kind, count);
            }
        }
        for (Setup s : setups) {
            generator.run(s, kind, true, rate, window, warmup, 1, pids(s, redis));
        }
        Map<String, List<Row>> paced = new LinkedHashMap<>();
        Map<String, List<Row>> max = new LinkedHashMap<>();
        for (int b = 0; b < batches; b++) {
            for (Setup s : setups) {
                paced.computeIfAbsent(s.name(), k -> new ArrayList<>())
                        .add(generator.run(s, kind, false, rate, window, 1, batchSeconds, pids(s, redis)));
                max.computeIfAbsent(s.name(), k -> new ArrayList<>())
                        .add(generator.run(s, kind, true, rate, window, 1, batchSeconds, pids(s, redis)));
            }
        }
        for (Setup s : setups) {
            generator.send("close " + s.name() + " " + kind, "CLOSED", 60);
        }
        print(setups, paced, max, webSocket);
    }

    /** Waits until the node counts {@code count} members of the topic: the node answers once they have joined (at most 30 s). */
    private static void awaitMembers(ServerProcess node, String kind, int count) throws Exception {
        String members = node.send("await-members " + kind + " " + count, "MEMBERS", 40);
        if (!Figures.fields(members).get(kind).equals(Integer.toString(count))) {
            throw new IllegalStateException(node.name + " has " + members + " after 30 s, not " + kind + "=" + count);
        }
    }

    private static String pids(Setup s, RedisProcess redis) {
        StringBuilder pids = new StringBuilder("a=" + s.nodes().get(0).pid());
        if (s.nodes().size() > 1) {
            pids.append(",b=").append(s.nodes().get(1).pid());
        }
        if (s.redis()) {
            pids.append(",redis=").append(redis.pid());
        }
        return pids.toString();
    }

    private void print(List<Setup> setups, Map<String, List<Row>> paced, Map<String, List<Row>> max, boolean webSocket) {
        out.printf(Locale.ROOT, "%-8s %-10s %9s %13s %9s %8s %8s %19s %16s %16s %7s %7s %11s  %s%n", "setup", "publisher",
                "sent/s", "delivered/s", "vs local", "p50 ms", "p99 ms", "other node p50/p99", "node A (Lettuce)", "node B (Lettuce)",
                "redis", "load", "cores busy", "saturated");
        for (Setup s : setups) {
            for (boolean isMax : new boolean[] {false, true}) {
                List<Row> rows = (isMax ? max : paced).get(s.name());
                List<Row> local = (isMax ? max : paced).get("local-1");
                String publisher = isMax ? "max " + window : String.format(Locale.ROOT, "paced %.0f", rate);
                out.printf(Locale.ROOT, "%-8s %-10s %9.0f %13.0f %9s %8.2f %8.2f %19s %16s %16s %7s %7.2f %11s  %s%n", s.name(), publisher,
                        median(rows, Row::publishedPerSecond), median(rows, Row::deliveredPerSecond),
                        !isMax || local == null || s.name().equals("local-1") ? ""
                                : Figures.perBatchRatio(rows, local, Row::deliveredPerSecond),
                        median(rows, Row::p50ms), median(rows, Row::p99ms),
                        s.nodes().size() < 2 ? "" : String.format(Locale.ROOT, "%.2f / %.2f", median(rows, Row::otherP50ms),
                                median(rows, Row::otherP99ms)),
                        cores(rows, Row::nodeA, Row::lettuceA, s.redis()), cores(rows, Row::nodeB, Row::lettuceB, s.redis()),
                        s.redis() ? String.format(Locale.ROOT, "%.2f", median(rows, Row::redis)) : "", median(rows, Row::load),
                        median(rows, Row::core0) < 0 ? "" : String.format(Locale.ROOT, "%.2f/%.2f", median(rows, Row::core0),
                                median(rows, Row::core1)), saturated(rows));
            }
        }
        out.println("(sent/s: messages the publisher sent; delivered/s: messages received, summed over the subscribers; vs local:"
                + " delivered/s at max over local-1's, median of per-batch ratios; latency:"
                + " publish to receipt in the load process, over every receipt; other node: the receipts on node B's subscribers,"
                + " which came through Redis; CPU in cores over the window: each node and, in brackets, its lettuce* threads; "
                + (webSocket ? "on node A a broadcast is sent to its members directly and published once"
                        : "every node, A too, delivers an event when its reader reads it back from the stream")
                + "; cores busy: core 0 / core 1 over the window, every process and interrupts (loopback traffic) included;"
                + " saturated: a process or core at " + SATURATED + " of a core or more, and on a core what its pinned processes"
                + " used and the rest)");
    }

    private static String cores(List<Row> rows, ToDoubleFunction<Row> node, ToDoubleFunction<Row> lettuce, boolean redis) {
        double total = median(rows, node);
        if (total < 0) {
            return "";
        }
        return redis ? String.format(Locale.ROOT, "%.2f (%.2f)", total, median(rows, lettuce))
                : String.format(Locale.ROOT, "%.2f", total);
    }

    /** What ran at or near a full core over the window: a process, else a pinned core's processes together. */
    private String saturated(List<Row> rows) {
        double a = median(rows, Row::nodeA);
        double b = Math.max(0, median(rows, Row::nodeB));
        double redis = Math.max(0, median(rows, Row::redis));
        double load = median(rows, Row::load);
        List<String> found = new ArrayList<>();
        if (a >= SATURATED) {
            found.add("node A");
        }
        if (b >= SATURATED) {
            found.add("node B");
        }
        if (redis >= SATURATED) {
            found.add("redis-server");
        }
        if (load >= SATURATED) {
            found.add("load");
        }
        if (found.isEmpty() && ChildProcess.PINNING) {
            double[] busy = {median(rows, Row::core0), median(rows, Row::core1)};
            double[] ours = {a + b + (redisCore == 0 ? redis : 0), load + (redisCore == 1 ? redis : 0)};
            String[] who = {redisCore == 0 ? "nodes + redis" : "nodes", redisCore == 1 ? "load + redis" : "load"};
            for (int core = 0; core < 2; core++) {
                if (busy[core] >= SATURATED || ours[core] >= SATURATED) {
                    found.add(String.format(Locale.ROOT, "core %d (%s %.2f, rest %.2f)", core, who[core], ours[core],
                            Math.max(0, busy[core] - ours[core])));
                }
            }
        }
        return found.isEmpty() ? "none" : String.join(", ", found);
    }

    private static double median(List<Row> rows, ToDoubleFunction<Row> metric) {
        return Figures.median(rows, metric);
    }

    // ---- the load process

    private static final class Generator extends ChildProcess {
        Generator() throws IOException {
            super("bench-", "broadcast-load", pinned(1, java(List.of("-Xms1g", "-Xmx2g", "-XX:+UseG1GC"),
                    "dev.tether.bench.load.BroadcastGenerator")));
        }

        Row run(Setup s, String kind, boolean max, double rate, int window, double warmup, double seconds, String pids)
                throws Exception {
            String reply = send(String.format(Locale.ROOT, "run %s %s %s %.3f %d %.3f %.3f %s", s.name(), kind, max ? "max" : "paced",
                    rate, window, warmup, seconds, pids), "RESULT", warmup + seconds + 120);
            Map<String, String> f = Figures.fields(reply);
            double secs = Double.parseDouble(f.get("seconds"));
            return new Row(Long.parseLong(f.get("published")) / secs, Long.parseLong(f.get("delivered")) / secs,
                    ms(f, "p50us"), ms(f, "p99us"), ms(f, "p50us1"), ms(f, "p99us1"), number(f, "cpu.a"), number(f, "lettuce.a"),
                    number(f, "cpu.b"), number(f, "lettuce.b"), number(f, "cpu.redis"), Double.parseDouble(f.get("genCpu")),
                    number(f, "core.0"), number(f, "core.1"));
        }

        private static double ms(Map<String, String> f, String key) {
            return Long.parseLong(f.get(key)) / 1000.0;
        }

        private static double number(Map<String, String> f, String key) {
            String value = f.get(key);
            return value == null ? -1 : Double.parseDouble(value);
        }
    }
}
