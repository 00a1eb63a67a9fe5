package dev.tether.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.it.support.Distribution;
import dev.tether.it.support.ItPaths;
import dev.tether.it.support.JdkSession;
import dev.tether.it.support.JdkSession.Closed;
import dev.tether.it.support.JdkSession.Message;
import dev.tether.it.support.ServerMemory;
import dev.tether.it.support.ServerMemory.Collection;
import dev.tether.it.support.StreamingEchoClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Messages far larger than the server's heap streamed through the example WAR's {@code /echo}
 * ({@code MessagePipe.echo()}, no message limit) in a stock distribution whose JVM runs with
 * {@code -Xmx64m} (G1, its collections logged to a file): the server must pass each message on part
 * by part as it arrives. The client ({@link StreamingEchoClient}, a plain socket) sends one binary
 * message in 64 KiB fragments made on the fly and checks every echoed byte as it comes back, never
 * holding the message. Beside the outcome, each test prints what the server held: its resident
 * memory sampled during the transfer, its heap after each collection during it (GC log), and its
 * live heap after a full collection before and after ({@code jcmd}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class StreamEchoContract extends OnDistribution {
    static final long MIB = 1L << 20;
    static final int FRAGMENT = 64 * 1024;
    /** The server's heap: the whole point is that it is far smaller than the messages. */
    static final String HEAP = "-Xmx64m";
    /** What the issue allows the server's memory to grow by while a 256 MiB message passes through. */
    static final long GROWTH_ALLOWED = 160_000_000L;
    /**
     * The most the heap may hold after any collection during a transfer: what the server needs
     * besides the stream is under 10 MiB, and a stream passed on part by part adds a few parts. A
     * server that takes in more than it passes on fills the heap long before it runs out of it.
     */
    static final long HEAP_AFTER_GC_ALLOWED = 32 * MIB;

    /** The instance directory's name under the work directory ("jetty-stream"). */
    protected abstract String instance();

    /** The server's JVM options: the small heap, G1 (for jcmd's heap figures) and the GC log. */
    protected List<String> jvmOptions() {
        return List.of(HEAP, "-XX:+UseG1GC", "-Xlog:gc:file=" + gcLog());
    }

    private Path gcLog() {
        return ItPaths.property("tether.it.work").resolve(instance()).resolve("gc.log");
    }

    /** What the server held during one streamed echo. */
    private record Memory(long rssBefore, long rssPeak, long liveBefore, long liveAfter, long peakAfterGc,
                          long peakBeforeGc, long heapSize, int collections) {
        long rssGrowth() {
            return rssPeak - rssBefore;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "RSS %s before, peak %s (+%s); live heap after full GC %s before, %s after;"
                            + " %d collections during it, heap after them at most %s (before them at most %s, heap size %s)",
                    ServerMemory.mib(rssBefore), ServerMemory.mib(rssPeak), ServerMemory.mib(rssGrowth()),
                    ServerMemory.mib(liveBefore), ServerMemory.mib(liveAfter), collections, ServerMemory.mib(peakAfterGc),
                    ServerMemory.mib(peakBeforeGc), ServerMemory.mib(heapSize));
        }
    }

    /** Streams {@code bytes} through /echo and measures the server around it; fails if the echo is not exact. */
    private Memory streamAndMeasure(String what, long bytes, long seed, Duration timeout) throws Exception {
        long pid = server().javaPid();
        long liveBefore = ServerMemory.liveHeapAfterGc(pid);
        int logged = ServerMemory.collections(gcLog()).size();
        long rssBefore = ServerMemory.rssBytes(pid);
        StreamingEchoClient.Result result;
        long rssPeak;
        try (ServerMemory.RssSampler rss = new ServerMemory.RssSampler(pid, 20)) {
            result = StreamingEchoClient.echo(server().port(), "/echo", bytes, FRAGMENT, seed, timeout);
            rssPeak = rss.stop();
        }
        List<Collection> all = ServerMemory.collections(gcLog());
        List<Collection> during = all.subList(logged, all.size());
        long liveAfter = ServerMemory.liveHeapAfterGc(pid);
        Memory memory = new Memory(rssBefore, rssPeak, liveBefore, liveAfter,
                during.stream().mapToLong(Collection::after).max().orElse(0),
                during.stream().mapToLong(Collection::before).max().orElse(0),
                all.stream().mapToLong(Collection::capacity).max().orElse(0), during.size());
        System.out.println("[src-it] " + server() + ", " + what + " through /echo with " + HEAP + ": " + result);
        System.out.println("[src-it]   server memory: " + memory);
        assertEquals(bytes, result.bytes());
        assertEquals(1000, result.closeCode(), "the server answers the close with 1000");
        assertTrue(memory.peakAfterGc() < HEAP_AFTER_GC_ALLOWED, () -> "the heap held "
                + ServerMemory.mib(memory.peakAfterGc()) + " after a collection during the transfer: " + memory);
        return memory;
    }

    @Test
    @Order(1)
    @DisplayName("a 256 MiB binary message in 64 KiB fragments comes back whole; the server's memory grows well under 160 MB")
    void message256MiB() throws Exception {
        Memory memory = streamAndMeasure("256 MiB", 256 * MIB, 256, Duration.ofSeconds(60));
        assertTrue(memory.rssGrowth() < GROWTH_ALLOWED / 2, () -> "resident memory grew by "
                + ServerMemory.mib(memory.rssGrowth()) + ", not well under 160 MB: " + memory);
        assertTrue(memory.liveAfter() - memory.liveBefore() < 16 * MIB, () -> "the message left memory behind: " + memory);
        assertServerWell();
    }

    @Test
    @Order(2)
    @DisplayName("a 1 GiB message streams through /echo of a server with a 64 MiB heap, exactly")
    void gibibyte() throws Exception {
        Memory memory = streamAndMeasure("1 GiB", 1024 * MIB, 1024, Duration.ofSeconds(120));
        assertTrue(memory.liveAfter() - memory.liveBefore() < 16 * MIB, () -> "the message left memory behind: " + memory);
        assertServerWell();
    }

    /** The server is still running, logged no OutOfMemoryError, and echoes a new connection's message. */
    private void assertServerWell() throws Exception {
        assertTrue(server().isRunning(), "the server is still running");
        String log = Files.readString(server().log(), StandardCharsets.ISO_8859_1);
        assertFalse(log.contains("OutOfMemoryError"), () -> "the server ran out of memory:\n" + server().tail(60));
        try (JdkSession session = JdkSession.open(http, server().ws("/echo"))) {
            JdkSession.await(session.socket().sendText("still here", true));
            assertEquals("still here", session.next(Message.class).string());
            JdkSession.await(session.socket().sendClose(1000, ""));
            assertEquals(1000, session.next(Closed.class).code());
        }
    }
}
