package dev.tether.servlet.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.api.EventSource;
import dev.tether.api.OutboundOverflowException;
import dev.tether.runtime.sse.EventBroadcaster;
import dev.tether.runtime.sse.EventStreamOptions;
import dev.tether.servlet.sse.SseClient.Event;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RunningServer;
import dev.tether.sse.SseEncoder;
import dev.tether.sse.SseEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many subscribers on real containers and sockets: replay on reconnection (the request's
 * {@code Last-Event-ID}), scale, slow and vanished clients, and backlogs the containers write in
 * gathered writes. The broadcaster's own logic (the reset event, flush passes, the overflow drop
 * without a gap) is tested without a container in the runtime's {@code EventBroadcasterTest}.
 */
class EventBroadcasterOnContainersTest {
    private static final EventSourceOptions QUIET = EventSourceOptions.builder().pingInterval(Duration.ZERO).build();
    private final HttpClient http = SseClient.newHttpClient();

    private static SseEvent numbered(int n) {
        return SseEvent.data("event " + n).id(Integer.toString(n));
    }

    private static Event received(int n) {
        return new Event("message", "event " + n, Integer.toString(n));
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aReconnectingClientIsSentWhatItMissed(Container container) throws Exception {
        EventBroadcaster news = new EventBroadcaster(100, 1 << 20);
        List<EventBroadcaster.Joined> joins = new ArrayList<>();
        RecordingStreams streams = new RecordingStreams(QUIET, source -> joins.add(news.subscribe(source)));
        try (RunningServer server = container.start(r -> r.addServlet("/news", streams)); streams) {
            SseClient first = SseClient.connect(http, server.httpUri("/news"));
            streams.awaitOpen();
            for (int i = 1; i <= 2; i++) news.broadcast(numbered(i));
            assertEquals(received(1), first.nextEvent());
            assertEquals(received(2), first.nextEvent());
            first.cancel();

            for (int i = 3; i <= 5; i++) news.broadcast(numbered(i)); // missed by the client

            SseClient again = SseClient.connect(http, server.httpUri("/news"), "Last-Event-ID", "2");
            streams.awaitOpen();
            news.broadcast(numbered(6));
            for (int i = 3; i <= 6; i++) assertEquals(received(i), again.nextEvent());
            assertEquals(List.of(EventBroadcaster.Joined.FIRST, EventBroadcaster.Joined.RESUMED), joins);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aThousandSubscribersReceiveEveryBroadcast(Container container) throws Exception {
        int subscribers = 1000;
        int events = 3;
        EventBroadcaster news = new EventBroadcaster();
        RecordingStreams streams = new RecordingStreams(QUIET, news::subscribe);
        try (RunningServer server = container.start(r -> r.addServlet("/news", streams)); streams) {
            List<SseClient> clients = new ArrayList<>(subscribers);
            // In batches, so the connector's accept backlog is never flooded.
            for (int batch = 0; batch < subscribers; batch += 100) {
                for (int i = 0; i < 100; i++) clients.add(SseClient.connect(http, server.httpUri("/news")));
                for (int i = 0; i < 100; i++) streams.awaitOpen();
            }
            assertEquals(subscribers, news.size());

            List<CompletableFuture<Integer>> written = new ArrayList<>();
            for (int n = 1; n <= events; n++) written.add(news.broadcast(numbered(n)));
            for (CompletableFuture<Integer> w : written) assertEquals(subscribers, w.get(30, TimeUnit.SECONDS));
            for (SseClient client : clients) {
                for (int n = 1; n <= events; n++) assertEquals(received(n), client.nextEvent());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aSlowSubscriberMeetsTheBufferLimitWhileTheOthersCarryOn(Container container) throws Exception {
        EventBroadcaster news = new EventBroadcaster();
        RecordingStreams streams = new RecordingStreams(EventSourceOptions.builder()
                .pingInterval(Duration.ZERO).bufferLimit(64 << 10).build(), news::subscribe);
        String payload = "x".repeat(16 << 10);
        try (RunningServer server = container.start(r -> r.addServlet("/news", streams)); streams;
             Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096); // before connecting, so the window stays small
            slow.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            OutputStream request = slow.getOutputStream();
            request.write(("GET /news HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            request.flush(); // and never read a byte
            EventSource slowStream = streams.awaitOpen();

            SseClient healthy = SseClient.connect(http, server.httpUri("/news"));
            streams.awaitOpen();

            CompletableFuture<Throwable> firstFailure = new CompletableFuture<>();
            int sent = 0;
            // Bounded: 64 MiB would be far past any loopback buffer and the limit.
            while (!slowStream.closed().toCompletableFuture().isDone() && sent < 4096) {
                sent++;
                news.broadcast(SseEvent.data(payload).id(Integer.toString(sent)));
                // Paced by the healthy client, whose queue therefore stays small.
                Event event = healthy.nextEvent();
                assertEquals(Integer.toString(sent), event.lastEventId());
            }
            assertTrue(slowStream.closed().toCompletableFuture().isDone(), "the slow stream was never dropped");
            assertEquals(slowStream, streams.awaitClose());
            assertEquals(1, news.size(), "the slow subscriber left the broadcaster");
            slowStream.send("after").whenComplete((ok, error) -> firstFailure.complete(error));
            assertFalse(firstFailure.get(10, TimeUnit.SECONDS) == null);

            news.broadcast(numbered(sent + 1));
            assertEquals(received(sent + 1), healthy.nextEvent());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void failSendRefusesEventsButKeepsTheStream(Container container) throws Exception {
        RecordingStreams streams = new RecordingStreams(EventSourceOptions.builder().pingInterval(Duration.ZERO)
                .bufferLimit(64 << 10).overflowPolicy(EventStreamOptions.OverflowPolicy.FAIL_SEND).build());
        String payload = "x".repeat(16 << 10);
        try (RunningServer server = container.start(r -> r.addServlet("/news", streams)); streams;
             Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            slow.getOutputStream().write(("GET /news HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            EventSource source = streams.awaitOpen();
            Throwable refused = null;
            for (int sent = 0; refused == null && sent < 4096; sent++) {
                CompletableFuture<Void> send = source.send(payload).toCompletableFuture();
                if (send.isCompletedExceptionally()) refused = send.handle((ok, error) -> error).join();
            }
            assertInstanceOf(OutboundOverflowException.class, refused);
            assertTrue(source.bufferedAmount() <= 64 << 10, "buffered " + source.bufferedAmount());
            assertFalse(source.closed().toCompletableFuture().isDone());
            assertEquals(0, streams.closes.get());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aVanishedSubscriberLeavesTheBroadcaster(Container container) throws Exception {
        EventBroadcaster news = new EventBroadcaster();
        RecordingStreams streams = new RecordingStreams(EventSourceOptions.builder()
                .pingInterval(Duration.ofMillis(50)).build(), news::subscribe);
        try (RunningServer server = container.start(r -> r.addServlet("/news", streams)); streams) {
            SseClient staying = SseClient.connect(http, server.httpUri("/news"));
            streams.awaitOpen();
            try (Socket leaving = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                leaving.getOutputStream().write(("GET /news HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                streams.awaitOpen();
                assertEquals(2, news.size());
            }
            streams.awaitClose();
            news.broadcast(numbered(1));
            assertEquals(1, news.size());
            assertEquals(received(1), staying.nextEvent());
            assertEquals(1, streams.closes.get());
        }
    }

    /** Event n, with data of varying length and multi-byte characters: a torn or foreign event cannot pass for it. */
    private static SseEvent json(int n) {
        String text = "Grüße ✓ 日本 ".repeat(1 + n % 7);
        return SseEvent.data("{\"n\":" + n + ",\"text\":\"" + text + "\"}").id(Integer.toString(n));
    }

    /** Reads one stream and checks that it carries events 1, 2, 3... each byte for byte as encoded. */
    private static final class StrictReader {
        private final RawEventStream stream;
        private final byte[][] expected;
        private int last;
        private String problem;

        StrictReader(RawEventStream stream, byte[][] expected) {
            this.stream = stream;
            this.expected = expected;
        }

        /** Reads through event {@code n}, stopping at the first event that is not the next one, whole. */
        void readThrough(int n) throws IOException {
            while (problem == null && last < n) {
                byte[] event = stream.nextEvent();
                if (event == null) {
                    problem = "the stream ended after event " + last;
                } else if (!Arrays.equals(event, expected[last + 1])) {
                    problem = "event " + (last + 1) + " expected, got: " + new String(event, StandardCharsets.UTF_8);
                } else {
                    last++;
                }
            }
        }
    }

    private static CountDownLatch[] latches(int rounds, int count) {
        CountDownLatch[] latches = new CountDownLatch[rounds + 1];
        for (int r = 1; r <= rounds; r++) latches[r] = new CountDownLatch(count);
        return latches;
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertTrue(latch.await(SseClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "timed out");
    }

    /**
     * Backlogs of small events are gathered into one write per stream, and a container may keep
     * that buffer, unsent, while the socket is full: every stream must still carry every event,
     * whole and in order, though many streams are written from the same threads.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void slowAndFastSubscribersEachReceiveEveryEventWholeAndInOrder(Container container) throws Exception {
        int slowCount = 20;
        int fastCount = 4;
        int rounds = 6;
        int perRound = 250;
        byte[][] expected = new byte[rounds * perRound + 1][];
        for (int n = 1; n < expected.length; n++) expected[n] = SseEncoder.encode(json(n));
        EventBroadcaster news = new EventBroadcaster();
        RecordingStreams streams = new RecordingStreams(EventSourceOptions.builder()
                .pingInterval(Duration.ZERO).bufferLimit(8 << 20).build(), news::subscribe);
        // A slow client reads round r-1 only once round r is queued: its socket stays full, its backlog grows.
        CountDownLatch[] broadcast = latches(rounds, 1);
        CountDownLatch[] slowCaughtUp = latches(rounds, slowCount);
        ExecutorService readers = Executors.newFixedThreadPool(slowCount + fastCount);
        List<RawEventStream> clients = new ArrayList<>();
        // A small socket send buffer, so that the server's writes to a slow client soon wait.
        try (RunningServer server = container.start(r -> r.addServlet("/news", streams).socketSendBuffer(16 << 10));
             streams) {
            try {
                List<Future<String>> problems = new ArrayList<>();
                for (int i = 0; i < slowCount + fastCount; i++) {
                    boolean slow = i < slowCount;
                    RawEventStream client = RawEventStream.open(server.port(), "/news", slow ? 4096 : 1 << 20);
                    clients.add(client);
                    streams.awaitOpen();
                    StrictReader reader = new StrictReader(client, expected);
                    problems.add(readers.submit(() -> {
                        int caughtUp = 0;
                        try {
                            for (int r = 1; slow && r <= rounds; r++) {
                                await(broadcast[r]);
                                reader.readThrough((r - 1) * perRound);
                                slowCaughtUp[r].countDown();
                                caughtUp = r;
                            }
                            reader.readThrough(rounds * perRound);
                        } finally {
                            for (int r = caughtUp + 1; slow && r <= rounds; r++) slowCaughtUp[r].countDown();
                        }
                        return reader.problem == null ? null : (slow ? "slow" : "fast") + " stream: " + reader.problem;
                    }));
                }
                for (int r = 1; r <= rounds; r++) {
                    for (int n = (r - 1) * perRound + 1; n <= r * perRound; n++) news.broadcast(json(n));
                    broadcast[r].countDown();
                    await(slowCaughtUp[r]);
                }
                List<String> broken = new ArrayList<>();
                for (Future<String> problem : problems) {
                    String found = problem.get(SseClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    if (found != null) broken.add(found);
                }
                assertTrue(broken.isEmpty(), () -> broken.size() + " of " + problems.size() + " streams broken, e.g. " + broken.get(0));
            } finally {
                for (RawEventStream client : clients) client.close();
                readers.shutdownNow();
            }
        }
    }
}
