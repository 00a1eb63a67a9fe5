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
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Many subscribers: replay on reconnection, the reset event, scale, slow and vanished clients. */
class EventBroadcasterTest {
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
    void anIdTooOldToReplayIsAnsweredWithAResetEvent(Container container) throws Exception {
        EventBroadcaster news = new EventBroadcaster(3, 1 << 20);
        List<EventBroadcaster.Joined> joins = new ArrayList<>();
        RecordingStreams streams = new RecordingStreams(QUIET, source -> joins.add(news.subscribe(source)));
        try (RunningServer server = container.start(r -> r.addServlet("/news", streams)); streams) {
            for (int i = 1; i <= 10; i++) news.broadcast(numbered(i));
            SseClient client = SseClient.connect(http, server.httpUri("/news"), "Last-Event-ID", "2");
            streams.awaitOpen();
            // The id asked for, as data; the newest id, so the next reconnection resumes from here.
            assertEquals(new Event(EventBroadcaster.RESET_EVENT, "2", "10"), client.nextEvent());
            news.broadcast(numbered(11));
            assertEquals(received(11), client.nextEvent());
            assertEquals(List.of(EventBroadcaster.Joined.RESET), joins);
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
    void broadcastsQueueBehindOneFlushPassThatWritesThemTogether(Container container) throws Exception {
        List<Runnable> passes = new ArrayList<>();
        EventBroadcaster news = new EventBroadcaster(0, 0, task -> {
            synchronized (passes) {
                passes.add(task);
            }
        });
        RecordingStreams streams = new RecordingStreams(QUIET, news::subscribe);
        try (RunningServer server = container.start(r -> r.addServlet("/news", streams)); streams) {
            SseClient client = SseClient.connect(http, server.httpUri("/news"));
            streams.awaitOpen();

            List<CompletableFuture<Integer>> written = new ArrayList<>();
            for (int n = 1; n <= 3; n++) written.add(news.broadcast(numbered(n)));
            // The publisher only queued: nothing is written until the one pass runs.
            assertEquals(1, passes.size());
            assertFalse(written.get(0).isDone());

            passes.remove(0).run();
            for (CompletableFuture<Integer> w : written) assertEquals(1, w.get(10, TimeUnit.SECONDS));
            for (int n = 1; n <= 3; n++) assertEquals(received(n), client.nextEvent());

            news.broadcast(numbered(4)); // the pass is over: the next broadcast asks for a new one
            assertEquals(1, passes.size());
            passes.remove(0).run();
            assertEquals(received(4), client.nextEvent());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aSameThreadFlusherWritesEveryBroadcastWithoutPilingUpPasses(Container container) throws Exception {
        EventBroadcaster news = new EventBroadcaster(0, 0, Runnable::run);
        RecordingStreams streams = new RecordingStreams(QUIET, news::subscribe);
        try (RunningServer server = container.start(r -> r.addServlet("/news", streams)); streams) {
            SseClient client = SseClient.connect(http, server.httpUri("/news"));
            streams.awaitOpen();
            int events = 2000;
            for (int n = 1; n <= events; n++) assertEquals(1, news.broadcast(numbered(n)).get(10, TimeUnit.SECONDS));
            for (int n = 1; n <= events; n++) assertEquals(received(n), client.nextEvent());
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

    /** Event n, a few hundred bytes. */
    private static SseEvent sized(int n) {
        String id = String.format("%06d", n);
        return SseEvent.data(id + " " + "x".repeat(200)).id(id);
    }

    private static int idOf(byte[] event) {
        String text = new String(event, StandardCharsets.UTF_8);
        int at = text.indexOf("id: ");
        return Integer.parseInt(text.substring(at + 4, text.indexOf('\n', at)));
    }

    /**
     * The CLOSE policy drops a client that cannot keep up, so that it reconnects with Last-Event-ID
     * and is replayed what it missed: that only works if what it received has no gap. Here the drop
     * waits behind a busy flush pass while the client reads on and makes room in its queue; an event
     * broadcast meanwhile must not be sent after the one refused.
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void aSubscriberDroppedForOverflowHasReceivedAnUnbrokenRunOfEvents(Container container) throws Exception {
        List<Runnable> passes = Collections.synchronizedList(new ArrayList<>());
        EventBroadcaster news = new EventBroadcaster(0, 0, passes::add);
        Runnable runPasses = () -> {
            while (!passes.isEmpty()) passes.remove(0).run();
        };
        RecordingStreams streams = new RecordingStreams(EventSourceOptions.builder()
                .pingInterval(Duration.ZERO).bufferLimit(64 << 10).build(), news::subscribe);
        ExecutorService reading = Executors.newSingleThreadExecutor();
        try (RunningServer server = container.start(r -> r.addServlet("/news", streams).socketSendBuffer(16 << 10));
             streams; RawEventStream client = RawEventStream.open(server.port(), "/news", 4096)) {
            EventSource slow = streams.awaitOpen();
            List<CompletableFuture<Integer>> sent = new ArrayList<>();
            sent.add(null); // sent.get(n) is event n's
            // The client reads nothing: its socket fills, then its queue, until an event is refused.
            int refused = 0;
            while (refused == 0 && sent.size() < 10_000) {
                int n = sent.size();
                sent.add(news.broadcast(sized(n)));
                if (sent.get(n).getNow(-1) == 0) {
                    refused = n; // the pass that drops the stream is owed, and left waiting
                } else {
                    runPasses.run();
                }
            }
            assertTrue(refused > 0, "no event was refused");

            // The client reads on, one event for each one broadcast: the container writes on from the
            // queue, which makes room there, while the owed pass still waits.
            List<Integer> ids = new ArrayList<>();
            List<CompletableFuture<Integer>> afterRefusal = new ArrayList<>();
            boolean accepted = false;
            while (!accepted && (ids.isEmpty() || ids.get(ids.size() - 1) < refused - 1)) {
                ids.add(idOf(client.nextEvent()));
                CompletableFuture<Integer> next = news.broadcast(sized(refused + afterRefusal.size() + 1));
                afterRefusal.add(next);
                accepted = next.getNow(-1) != 0;
            }
            Future<?> rest = reading.submit(() -> {
                for (byte[] event; (event = client.nextEvent()) != null; ) ids.add(idOf(event));
                return null;
            });
            for (CompletableFuture<Integer> send : afterRefusal) { // each one refused at once, or written
                send.get(SseClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            runPasses.run(); // at last: the stream is dropped
            rest.get(SseClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(slow, streams.awaitClose());

            for (int i = 0; i < ids.size(); i++) {
                assertEquals(i + 1, ids.get(i), "received after event " + i + " (event " + refused + " was refused)");
            }
        } finally {
            reading.shutdownNow();
        }
    }
}
