package dev.tether.bench.client;

import dev.tether.bench.load.JvmThreads;
import dev.tether.bench.load.LatencyHistogram;
import dev.tether.bench.load.ProcessCounters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One client library in its own JVM, driven by {@link dev.tether.bench.ClientBenchmark} over stdin
 * and stdout: {@code java … dev.tether.bench.client.ClientProcess <kind>} prints {@code READY}, then
 * answers each command with one line ({@code ERROR …} when it fails). node's {@code ws} client,
 * {@code src-it/node/bench/ws-client.js}, speaks the same.
 * <ul>
 *   <li>{@code echo <port> <connections> <inflight> <payloadBytes> <warmupSeconds> <seconds> <serverPid>}:
 *       opens the connections, keeps {@code inflight} binary messages outstanding on each (every echo
 *       sends the next), measures after the warm-up, then closes them →
 *       {@code RESULT messages=… seconds=… p50us=… p99us=… slowest=… median=… cpu=… serverCpu=… errors=…
 *       userNs=… systemNs=… jvmUserNs=… fromEpochUs=… toEpochUs=… [error=…]}
 *       (the slowest and the median connection's messages per second; CPU as a fraction of one core
 *       over the measured time; then, for a profile, this process's user and kernel CPU over it from
 *       {@link ProcessCounters}, the user CPU of its JVM's own threads, see {@link JvmThreads}, and the
 *       measured time in wall-clock time, to match a profile's samples against; node's client leaves
 *       these out)</li>
 *   <li>{@code open <port> <connections> <window> <timeoutSeconds> <threadBudget>}: opens connections,
 *       {@code window} handshakes at a time, and keeps them idle →
 *       {@code OPENED opened=… millis=… cpuMillis=… threads=… [error=…]}; it stops early, saying why,
 *       when a connect fails, time runs out, or the process has more threads than the budget</li>
 *   <li>{@code mem} → {@code MEM heap=…} (bytes in use after full collections) {@code threads=…}</li>
 *   <li>{@code closeall <timeoutSeconds>} → {@code CLOSED closed=… millis=… [error=…]}</li>
 * </ul>
 * End of input closes what is open and ends the process.
 */
public final class ClientProcess {
    private final ClientDriver driver;
    private final List<Idle> idle = new ArrayList<>();

    private ClientProcess(ClientDriver driver) {
        this.driver = driver;
    }

    public static void main(String[] args) throws Exception {
        ClientProcess process = new ClientProcess(ClientDriver.create(args[0]));
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            for (String line; (line = commands.readLine()) != null; ) {
                String reply;
                try {
                    reply = process.run(line.trim().split("\\s+"));
                } catch (Exception | Error e) {
                    reply = "ERROR " + oneLine(e); // the orchestrator fails this client at once instead of waiting
                }
                System.out.println(reply);
                System.out.flush();
            }
            process.closeAll(10);
            process.driver.shutdown();
        } finally {
            System.exit(0); // a library's non-daemon threads must not keep the process
        }
    }

    private String run(String[] a) throws Exception {
        return switch (a[0]) {
            case "echo" -> echo(Integer.parseInt(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]), Integer.parseInt(a[4]),
                    Double.parseDouble(a[5]), Double.parseDouble(a[6]), Long.parseLong(a[7]));
            case "open" -> open(Integer.parseInt(a[1]), Integer.parseInt(a[2]), Integer.parseInt(a[3]),
                    Double.parseDouble(a[4]), Integer.parseInt(a[5]));
            case "mem" -> mem();
            case "closeall" -> closeAll(Double.parseDouble(a[1]));
            default -> "ERROR unknown command " + a[0];
        };
    }

    private static URI echoUri(int port) {
        return URI.create("ws://127.0.0.1:" + port + "/echo");
    }

    private static byte[] payload(int bytes) {
        byte[] payload = new byte[bytes];
        new Random(7).nextBytes(payload);
        return payload;
    }

    // ---- C1 and C2: echo

    /** One echo connection: a ring of send times, one per message outstanding. */
    private static final class Echo implements ClientDriver.Handler {
        private final long[] sentAt;
        private int head;
        private int tail;
        private long echoed;
        private long echoedAtStart;
        private boolean running;
        private final LatencyHistogram latencies = new LatencyHistogram();
        final CountDownLatch closed = new CountDownLatch(1);
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final AtomicInteger errors = new AtomicInteger();
        ClientDriver.Connection connection;

        Echo(int inflight) {
            sentAt = new long[inflight];
        }

        void start() {
            synchronized (this) {
                running = true;
                long now = System.nanoTime();
                for (int i = 0; i < sentAt.length; i++) {
                    sentAt[tail] = now;
                    tail = (tail + 1) % sentAt.length;
                }
            }
            for (int i = 0; i < sentAt.length; i++) {
                connection.send();
            }
        }

        @Override
        public void onMessage(ClientDriver.Connection c) {
            boolean again;
            synchronized (this) {
                long now = System.nanoTime();
                latencies.record((now - sentAt[head]) / 1000);
                head = (head + 1) % sentAt.length;
                echoed++;
                again = running;
                if (again) {
                    sentAt[tail] = now;
                    tail = (tail + 1) % sentAt.length;
                }
            }
            if (again) {
                c.send(); // outside the lock: a library may complete a send, or deliver, inside the call
            }
        }

        synchronized void measureFromNow() {
            latencies.reset();
            echoedAtStart = echoed;
        }

        /** Stops sending; returns the messages echoed since {@link #measureFromNow}. */
        synchronized long stop() {
            running = false;
            return echoed - echoedAtStart;
        }

        synchronized void addLatenciesTo(LatencyHistogram all) {
            all.add(latencies);
        }

        @Override
        public void onClosed(ClientDriver.Connection c) {
            closed.countDown();
        }

        @Override
        public void onError(ClientDriver.Connection c, Throwable e) {
            errors.incrementAndGet();
            error.compareAndSet(null, e);
        }
    }

    private String echo(int port, int connections, int inflight, int payloadBytes, double warmupSeconds, double seconds,
                        long serverPid) throws Exception {
        byte[] payload = payload(payloadBytes);
        List<Echo> echoes = new ArrayList<>();
        List<CompletableFuture<ClientDriver.Connection>> connecting = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Echo e = new Echo(inflight);
            echoes.add(e);
            connecting.add(driver.connect(echoUri(port), payload, e));
        }
        try {
            CompletableFuture.allOf(connecting.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            closeEchoes(echoes, connecting);
            throw new IllegalStateException("could not open " + connections + " connections within 60 s: " + oneLine(e), e);
        }
        for (int i = 0; i < connections; i++) {
            echoes.get(i).connection = connecting.get(i).join();
        }
        for (Echo e : echoes) {
            e.start();
        }
        long start = System.nanoTime();
        sleepUntil(start + (long) (warmupSeconds * 1e9));
        for (Echo e : echoes) {
            e.measureFromNow();
        }
        long pid = ProcessHandle.current().pid();
        ProcessCounters counters0 = ProcessCounters.of(pid);
        long jvm0 = JvmThreads.userNanos(pid);
        long fromEpochUs = epochMicros();
        long cpu0 = ownCpuNanos();
        long serverCpu0 = cpuNanosOf(serverPid);
        long measureStart = System.nanoTime();
        sleepUntil(measureStart + (long) (seconds * 1e9));
        long messages = 0;
        long[] perConnection = new long[echoes.size()];
        for (int i = 0; i < perConnection.length; i++) {
            perConnection[i] = echoes.get(i).stop();
            messages += perConnection[i];
        }
        java.util.Arrays.sort(perConnection);
        long wall = System.nanoTime() - measureStart;
        double cpu = (ownCpuNanos() - cpu0) / (double) wall;
        double serverCpu = (cpuNanosOf(serverPid) - serverCpu0) / (double) wall;
        long toEpochUs = epochMicros();
        ProcessCounters counters = ProcessCounters.of(pid).since(counters0);
        long jvm = JvmThreads.userNanos(pid) - jvm0;
        LatencyHistogram all = new LatencyHistogram();
        int errors = 0;
        Throwable firstError = null;
        for (Echo e : echoes) {
            e.addLatenciesTo(all);
            errors += e.errors.get();
            if (firstError == null) {
                firstError = e.error.get();
            }
        }
        String closeProblem = closeEchoes(echoes, connecting);
        String problem = firstError != null ? oneLine(firstError) : closeProblem;
        double secs = wall / 1e9;
        return String.format(Locale.ROOT, "RESULT messages=%d seconds=%.3f p50us=%d p99us=%d slowest=%.1f median=%.1f cpu=%.3f"
                        + " serverCpu=%.3f errors=%d userNs=%d systemNs=%d jvmUserNs=%d fromEpochUs=%d toEpochUs=%d%s",
                messages, secs, all.percentile(0.50), all.percentile(0.99),
                perConnection[0] / secs, perConnection[perConnection.length / 2] / secs, cpu, serverCpu, errors,
                counters.userNanos(), counters.systemNanos(), jvm, fromEpochUs, toEpochUs,
                problem == null ? "" : " error=" + problem);
    }

    /** Closes the echo connections that opened and waits for them (30 s at most); null, or what went wrong. */
    private static String closeEchoes(List<Echo> echoes, List<CompletableFuture<ClientDriver.Connection>> connecting) {
        List<Echo> open = new ArrayList<>();
        for (int i = 0; i < echoes.size(); i++) {
            CompletableFuture<ClientDriver.Connection> c = connecting.get(i);
            if (c.isDone() && !c.isCompletedExceptionally()) {
                c.join().close();
                open.add(echoes.get(i));
            } else {
                c.thenAccept(ClientDriver.Connection::close); // one still connecting closes when it opens
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int notClosed = 0;
        for (Echo e : open) {
            try {
                if (!e.closed.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    notClosed++;
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return "interrupted while closing";
            }
        }
        return notClosed == 0 ? null : notClosed + " of " + open.size() + " connections did not report closed within 30 s";
    }

    // ---- C3: idle connections

    /** An idle connection: it only hears its close. */
    private static final class Idle implements ClientDriver.Handler {
        final CountDownLatch closed = new CountDownLatch(1);
        volatile ClientDriver.Connection connection;

        @Override
        public void onMessage(ClientDriver.Connection c) {
        }

        @Override
        public void onClosed(ClientDriver.Connection c) {
            closed.countDown();
        }

        @Override
        public void onError(ClientDriver.Connection c, Throwable error) {
        }
    }

    private String open(int port, int connections, int window, double timeoutSeconds, int threadBudget) throws Exception {
        URI uri = echoUri(port);
        byte[] payload = payload(64);
        Semaphore permits = new Semaphore(window);
        AtomicInteger opened = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        var threads = ManagementFactory.getThreadMXBean();
        long cpu0 = ownCpuNanos();
        long start = System.nanoTime();
        long deadline = start + (long) (timeoutSeconds * 1e9);
        String stopped = null;
        int started = 0;
        while (started < connections) {
            if (failure.get() != null) {
                stopped = "a connect failed: " + oneLine(failure.get());
                break;
            }
            if (threads.getThreadCount() > threadBudget) {
                stopped = "stopped at the thread budget: " + threads.getThreadCount() + " threads (limit " + threadBudget
                        + ", set with --thread-budget; the machine's pid_max is " + pidMax() + ")";
                break;
            }
            if (!permits.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                stopped = "timed out after " + timeoutSeconds + " s";
                break;
            }
            Idle handler = new Idle();
            synchronized (idle) {
                idle.add(handler);
            }
            started++;
            CompletableFuture<ClientDriver.Connection> connecting;
            try {
                connecting = driver.connect(uri, payload, handler);
            } catch (Exception | Error e) { // e.g. no thread could be made for it
                connecting = CompletableFuture.failedFuture(e);
            }
            connecting.whenComplete((connection, error) -> {
                if (error == null) {
                    handler.connection = connection;
                    opened.incrementAndGet();
                } else {
                    failure.compareAndSet(null, error);
                }
                permits.release();
            });
        }
        // the handshakes in progress finish (or fail) before the time is taken
        if (permits.tryAcquire(window, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            permits.release(window);
        } else if (stopped == null) {
            stopped = "timed out after " + timeoutSeconds + " s with handshakes in progress";
        }
        if (stopped == null && failure.get() != null) {
            stopped = "a connect failed: " + oneLine(failure.get());
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        long cpuMillis = (ownCpuNanos() - cpu0) / 1_000_000;
        return String.format(Locale.ROOT, "OPENED opened=%d millis=%d cpuMillis=%d threads=%d%s", opened.get(), millis, cpuMillis,
                threads.getThreadCount(), stopped == null ? "" : " error=" + stopped);
    }

    private String closeAll(double timeoutSeconds) throws InterruptedException {
        List<Idle> all;
        synchronized (idle) {
            all = new ArrayList<>(idle);
            idle.clear();
        }
        long start = System.nanoTime();
        int open = 0;
        for (Idle handler : all) {
            ClientDriver.Connection c = handler.connection;
            if (c != null) {
                open++;
                try {
                    c.close();
                } catch (RuntimeException e) {
                    handler.closed.countDown(); // it could not even start closing: not waited for
                }
            }
        }
        long deadline = start + (long) (timeoutSeconds * 1e9);
        int closed = 0;
        for (Idle handler : all) {
            if (handler.connection != null && handler.closed.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                closed++;
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        return String.format(Locale.ROOT, "CLOSED closed=%d millis=%d%s", closed, millis,
                closed == open ? "" : " error=" + (open - closed) + " of " + open + " did not report closed within " + timeoutSeconds + " s");
    }

    private static String mem() {
        for (int i = 0; i < 3; i++) {
            System.gc(); // G1 collects fully before returning (no -XX:+ExplicitGCInvokesConcurrent here)
        }
        return "MEM heap=" + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()
                + " threads=" + ManagementFactory.getThreadMXBean().getThreadCount();
    }

    // ---- small things

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root
                && (root instanceof java.util.concurrent.ExecutionException || root instanceof java.util.concurrent.CompletionException)) {
            root = root.getCause();
        }
        return (root.getClass().getSimpleName() + ": " + root.getMessage()).replaceAll("\\s+", " ");
    }

    private static String pidMax() {
        try {
            // in one read: an integer sysctl answers EOF to a read past offset 0, so readString (1 byte, then more) gets "3"
            return Files.readAllLines(Path.of("/proc/sys/kernel/pid_max")).get(0).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    private static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** User + system CPU time of a process from /proc, in nanoseconds (clock ticks are 10 ms). */
    private static long cpuNanosOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
