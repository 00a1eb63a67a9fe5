package dev.tether.runtime.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.api.ConnectionClosedException;
import dev.tether.api.EventSource;
import dev.tether.api.EventSourceListener;
import dev.tether.api.ReadyState;
import dev.tether.sse.SseEncoder;
import dev.tether.sse.SseEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many subscribers over outputs driven by hand: replay on reconnection, the reset event, the flush
 * passes, slow and vanished subscribers, and the overflow drop without a gap. Flush passes run when
 * the test says, on its own thread.
 */
class EventBroadcasterTest {
    private final ManualExecutor executor = new ManualExecutor();
    private final List<Runnable> passes = Collections.synchronizedList(new ArrayList<>());

    private EventStreamOptions.Builder options() {
        return EventStreamOptions.builder().pingInterval(Duration.ZERO).executor(executor).scheduler(new ManualScheduler());
    }

    private static EventStream open(EventStreamOptions options, String lastEventId, FakeOutput output) {
        EventStream stream = new EventStream(options, new EventSourceListener() {
        }, "http://localhost/news", lastEventId, () -> { });
        stream.start(output);
        return stream;
    }

    private EventStream open(String lastEventId, FakeOutput output) {
        return open(options().build(), lastEventId, output);
    }

    private void runPasses() {
        while (!passes.isEmpty()) passes.remove(0).run();
    }

    private static SseEvent numbered(int n) {
        return SseEvent.data("event " + n).id(Integer.toString(n));
    }

    private static List<String> ids(int from, int to) {
        List<String> ids = new ArrayList<>();
        for (int n = from; n <= to; n++) ids.add(Integer.toString(n));
        return ids;
    }

    @Test
    void aReconnectingClientIsSentWhatItMissed() throws Exception {
        EventBroadcaster news = new EventBroadcaster(100, 1 << 20, Runnable::run);
        FakeOutput first = new FakeOutput().writesAtOnce(true);
        EventStream firstStream = open("", first);
        assertEquals(EventBroadcaster.Joined.FIRST, news.subscribe(firstStream));
        for (int i = 1; i <= 2; i++) news.broadcast(numbered(i));
        assertEquals(ids(1, 2), first.ids());
        firstStream.outputEnded("the client went away", null);
        assertEquals(0, news.size());

        for (int i = 3; i <= 5; i++) assertEquals(0, news.broadcast(numbered(i)).get(1, TimeUnit.SECONDS)); // missed

        FakeOutput again = new FakeOutput().writesAtOnce(true);
        assertEquals(EventBroadcaster.Joined.RESUMED, news.subscribe(open("2", again)));
        news.broadcast(numbered(6));
        assertEquals(ids(3, 6), again.ids());
        assertEquals(new String(SseEncoder.encode(numbered(3)), StandardCharsets.UTF_8), again.blocks().get(0) + "\n\n");
    }

    @Test
    void aFirstVisitCanStartWithTheNewestEventsAndAReconnectionStillResumes() {
        EventBroadcaster news = new EventBroadcaster(100, 1 << 20, Runnable::run);
        for (int i = 1; i <= 10; i++) news.broadcast(numbered(i));
        FakeOutput visitor = new FakeOutput().writesAtOnce(true);
        assertEquals(EventBroadcaster.Joined.FIRST, news.subscribe(open("", visitor), 3));
        news.broadcast(numbered(11));
        assertEquals(ids(8, 11), visitor.ids());

        FakeOutput returning = new FakeOutput().writesAtOnce(true);
        assertEquals(EventBroadcaster.Joined.RESUMED, news.subscribe(open("5", returning), 3));
        assertEquals(ids(6, 11), returning.ids(), "what it missed, not the newest three");

        FakeOutput few = new FakeOutput().writesAtOnce(true);
        EventBroadcaster quiet = new EventBroadcaster(100, 1 << 20, Runnable::run);
        quiet.broadcast(numbered(1));
        quiet.subscribe(open("", few), 20);
        assertEquals(ids(1, 1), few.ids(), "fewer kept than asked for: all of them");
    }

    @Test
    void anIdTooOldToReplayIsAnsweredWithAResetEvent() {
        EventBroadcaster news = new EventBroadcaster(3, 1 << 20, Runnable::run);
        for (int i = 1; i <= 10; i++) news.broadcast(numbered(i));
        FakeOutput client = new FakeOutput().writesAtOnce(true);
        assertEquals(EventBroadcaster.Joined.RESET, news.subscribe(open("2", client)));
        // The id asked for, as data; the newest id, so the next reconnection resumes from here.
        SseEvent reset = SseEvent.data("2").event(EventBroadcaster.RESET_EVENT).id("10");
        assertEquals(new String(SseEncoder.encode(reset), StandardCharsets.UTF_8), client.text());
        news.broadcast(numbered(11));
        assertEquals(List.of("10", "11"), client.ids());
    }

    @Test
    void aStreamAlreadyClosedIsNotSubscribed() {
        EventBroadcaster news = new EventBroadcaster();
        EventStream stream = open("", new FakeOutput());
        stream.outputEnded("gone", null);
        assertEquals(EventBroadcaster.Joined.CLOSED, news.subscribe(stream));
        assertEquals(0, news.size());
    }

    @Test
    void aThousandSubscribersReceiveEveryBroadcast() throws Exception {
        EventBroadcaster news = new EventBroadcaster(0, 0, passes::add);
        List<FakeOutput> clients = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            FakeOutput client = new FakeOutput().writesAtOnce(true);
            clients.add(client);
            news.subscribe(open("", client));
        }
        assertEquals(1000, news.size());
        List<CompletableFuture<Integer>> written = new ArrayList<>();
        for (int n = 1; n <= 3; n++) written.add(news.broadcast(numbered(n)));
        runPasses();
        for (CompletableFuture<Integer> w : written) assertEquals(1000, w.get(1, TimeUnit.SECONDS));
        for (FakeOutput client : clients) {
            assertEquals(ids(1, 3), client.ids());
            assertEquals(1, client.writes(), "the backlog went in one gathered write");
        }
    }

    @Test
    void broadcastsQueueBehindOneFlushPassThatWritesThemTogether() throws Exception {
        EventBroadcaster news = new EventBroadcaster(0, 0, passes::add);
        FakeOutput client = new FakeOutput().writesAtOnce(true);
        news.subscribe(open("", client));

        List<CompletableFuture<Integer>> written = new ArrayList<>();
        for (int n = 1; n <= 3; n++) written.add(news.broadcast(numbered(n)));
        // The publisher only queued: nothing is written until the one pass runs.
        assertEquals(1, passes.size());
        assertFalse(written.get(0).isDone());
        assertEquals(0, client.writes());

        passes.remove(0).run();
        for (CompletableFuture<Integer> w : written) assertEquals(1, w.get(1, TimeUnit.SECONDS));
        assertEquals(ids(1, 3), client.ids());
        assertEquals(1, client.writes());

        news.broadcast(numbered(4)); // the pass is over: the next broadcast asks for a new one
        assertEquals(1, passes.size());
        passes.remove(0).run();
        assertEquals(ids(1, 4), client.ids());
    }

    @Test
    void aSameThreadFlusherWritesEveryBroadcastWithoutPilingUpPasses() throws Exception {
        EventBroadcaster news = new EventBroadcaster(0, 0, Runnable::run);
        FakeOutput client = new FakeOutput().writesAtOnce(true);
        news.subscribe(open("", client));
        int events = 2000;
        for (int n = 1; n <= events; n++) assertEquals(1, news.broadcast(numbered(n)).get(1, TimeUnit.SECONDS));
        assertEquals(ids(1, events), client.ids());
    }

    @Test
    void aSlowSubscriberMeetsTheBufferLimitWhileTheOthersCarryOn() throws Exception {
        EventBroadcaster news = new EventBroadcaster(0, 0, Runnable::run);
        EventStreamOptions limited = options().bufferLimit(64 << 10).build();
        FakeOutput slowClient = new FakeOutput(); // takes the first write and never another
        EventStream slow = open(limited, "", slowClient);
        FakeOutput healthyClient = new FakeOutput().writesAtOnce(true);
        news.subscribe(slow);
        news.subscribe(open(limited, "", healthyClient));

        String payload = "x".repeat(16 << 10);
        List<CompletableFuture<Integer>> written = new ArrayList<>();
        int sent = 0;
        while (slow.readyState() == ReadyState.OPEN && sent < 100) {
            sent++;
            written.add(news.broadcast(SseEvent.data(payload).id(Integer.toString(sent))));
            executor.runAll();
            assertEquals(ids(1, sent), healthyClient.ids(), "the healthy subscriber is not held up");
        }
        assertEquals(ReadyState.CLOSED, slow.readyState(), "the slow stream was never dropped");
        assertTrue(sent < 10, "dropped at its limit, after " + sent + " events");
        // Each broadcast is settled once the slow stream's share failed with it: written to the healthy one.
        for (CompletableFuture<Integer> w : written) assertEquals(1, w.get(1, TimeUnit.SECONDS));
        assertEquals(1, news.size(), "the slow subscriber left the broadcaster");
        CompletableFuture<Void> after = slow.send("after").toCompletableFuture();
        executor.runAll();
        assertInstanceOf(ConnectionClosedException.class, after.handle((ok, error) -> error).join());

        news.broadcast(numbered(sent + 1));
        assertEquals(ids(1, sent + 1), healthyClient.ids());
    }

    @Test
    void aVanishedSubscriberLeavesTheBroadcaster() throws Exception {
        EventBroadcaster news = new EventBroadcaster(0, 0, Runnable::run);
        FakeOutput staying = new FakeOutput().writesAtOnce(true);
        news.subscribe(open("", staying));
        FakeOutput leaving = new FakeOutput();
        EventStream leavingStream = open("", leaving);
        news.subscribe(leavingStream);
        assertEquals(2, news.size());

        CompletableFuture<Integer> first = news.broadcast(numbered(1));
        leaving.failWrite(new IOException("Connection reset by peer"));
        executor.runAll();
        assertEquals(1, first.get(1, TimeUnit.SECONDS), "written to the one still there");
        assertEquals(ReadyState.CLOSED, leavingStream.readyState());
        assertEquals(1, news.size());
        news.broadcast(numbered(2));
        assertEquals(ids(1, 2), staying.ids());
    }

    @Test
    void closeAllClosesEverySubscriber() {
        EventBroadcaster news = new EventBroadcaster(0, 0, Runnable::run);
        List<EventStream> streams = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            EventStream stream = open("", new FakeOutput().writesAtOnce(true));
            streams.add(stream);
            news.subscribe(stream);
        }
        news.closeAll();
        for (EventSource stream : streams) assertEquals(ReadyState.CLOSED, stream.readyState());
        assertEquals(0, news.size());
    }

    /**
     * The CLOSE policy drops a client that cannot keep up, so that it reconnects with Last-Event-ID
     * and is replayed what it missed: that only works if what it received has no gap. Here the drop
     * waits behind a flush pass not run yet while the client reads on and makes room in its queue;
     * an event broadcast meanwhile must not be sent after the one refused.
     */
    @Test
    void aSubscriberDroppedForOverflowHasReceivedAnUnbrokenRunOfEvents() throws Exception {
        EventBroadcaster news = new EventBroadcaster(0, 0, passes::add);
        FakeOutput client = new FakeOutput(); // reads one write when the test says
        EventStream slow = open(options().bufferLimit(4 << 10).build(), "", client);
        news.subscribe(slow);
        List<CompletableFuture<Integer>> sent = new ArrayList<>();
        sent.add(null); // sent.get(n) is event n's
        // The client reads nothing: its queue fills until an event is refused.
        int refused = 0;
        while (refused == 0 && sent.size() < 1000) {
            int n = sent.size();
            sent.add(news.broadcast(sized(n)));
            executor.runAll();
            if (sent.get(n).getNow(-1) == 0) {
                refused = n; // the pass that drops the stream is owed, and left waiting
            } else {
                runPasses();
            }
        }
        assertTrue(refused > 1, "no event was refused");
        assertEquals(ReadyState.OPEN, slow.readyState(), "the drop waits for its flush pass");

        // The client reads on, one write for each event broadcast: room is made in the queue while
        // the owed pass still waits, and every event broadcast meanwhile is refused.
        for (int n = refused + 1; client.completeWrite(); n++) {
            CompletableFuture<Integer> next = news.broadcast(sized(n));
            executor.runAll();
            assertEquals(0, next.get(1, TimeUnit.SECONDS), "event " + n + " was accepted after event " + refused + " was refused");
        }
        runPasses(); // at last: the stream is dropped
        assertEquals(ReadyState.CLOSED, slow.readyState());
        assertEquals(ids(1, refused - 1).stream().map(EventBroadcasterTest::sixDigits).toList(), client.ids());
    }

    /** Event n, a few hundred bytes. */
    private static SseEvent sized(int n) {
        return SseEvent.data(sixDigits(Integer.toString(n)) + " " + "x".repeat(200)).id(sixDigits(Integer.toString(n)));
    }

    private static String sixDigits(String n) {
        return String.format("%06d", Integer.parseInt(n));
    }
}
