package dev.tether.runtime.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.api.ConnectionClosedException;
import dev.tether.api.EventSource;
import dev.tether.api.EventSourceListener;
import dev.tether.api.OutboundOverflowException;
import dev.tether.api.ReadyState;
import dev.tether.sse.SseEncoder;
import dev.tether.sse.SseEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One stream over an output driven by hand: no container, no socket, no sleeps. Timers run on a
 * manual scheduler, whose clock is also the stream's, and work handed off the caller's stack waits
 * in a manual executor until the test runs it.
 */
class EventStreamTest {
    private final ManualScheduler scheduler = new ManualScheduler();
    private final ManualExecutor executor = new ManualExecutor();
    private final FakeOutput output = new FakeOutput();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger responsesCompleted = new AtomicInteger();
    private final EventSourceListener recorder = new EventSourceListener() {
        @Override
        public void onOpen(EventSource source) {
            events.add("open");
        }

        @Override
        public void onClose(EventSource source) {
            events.add("close");
        }
    };

    private EventStreamOptions.Builder options() {
        return EventStreamOptions.builder().pingInterval(Duration.ZERO).scheduler(scheduler).executor(executor);
    }

    private EventStream stream(EventStreamOptions options) {
        return new EventStream(options, recorder, "http://localhost/events", "", responsesCompleted::incrementAndGet,
                scheduler::nanoTime);
    }

    private EventStream started(EventStreamOptions options) {
        EventStream stream = stream(options);
        stream.start(output);
        return stream;
    }

    private static String encoded(SseEvent... events) {
        StringBuilder text = new StringBuilder();
        for (SseEvent e : events) text.append(new String(SseEncoder.encode(e), StandardCharsets.UTF_8));
        return text.toString();
    }

    private static Throwable failureOf(CompletableFuture<Void> send) {
        assertTrue(send.isDone(), "the send is not settled");
        return send.handle((ok, error) -> error).join();
    }

    @Test
    void startSendsRetryFirstThenOpens() {
        EventStream stream = started(options().retry(Duration.ofMillis(1500)).build());
        assertEquals(List.of("open"), events);
        assertEquals(ReadyState.OPEN, stream.readyState());
        assertEquals("retry: 1500\n\n", output.text());
        assertThrows(IllegalStateException.class, () -> stream.start(output), "started once only");
    }

    @Test
    void eventsAreWrittenInOrderEachInTheFormTheCoreEncodes() throws Exception {
        EventStream stream = started(options().build());
        output.completeAll();
        CompletableFuture<Void> first = stream.send("line 1\nline 2").toCompletableFuture();
        stream.send("Breaking News!", "notification", "99");
        stream.comment("hello");
        stream.ping();
        assertFalse(first.isDone(), "written only once the output says so");
        output.completeAll();
        first.get(1, TimeUnit.SECONDS);
        assertEquals(encoded(SseEvent.data("line 1\nline 2"), SseEvent.data("Breaking News!").event("notification").id("99"))
                + new String(SseEncoder.comment("hello"), StandardCharsets.UTF_8) + ":\n", output.text());
        assertEquals(0, stream.bufferedAmount());
    }

    @Test
    void whatIsQueuedBehindAWriteInProgressIsCountedAndGoesOutAfterIt() {
        EventStream stream = started(options().build());
        stream.send("one");
        assertTrue(output.writing());
        stream.send("two");
        stream.send("three");
        // The write in progress counts until the output reports it written.
        assertEquals(encoded(SseEvent.data("one"), SseEvent.data("two"), SseEvent.data("three")).length(), stream.bufferedAmount());
        output.completeAll();
        assertEquals(encoded(SseEvent.data("one"), SseEvent.data("two"), SseEvent.data("three")), output.text());
        assertEquals(0, stream.bufferedAmount());
    }

    @Test
    void closeEndsTheStreamAfterWhatIsQueuedAndFiresCloseOnce() throws Exception {
        EventStream stream = started(options().build());
        CompletableFuture<Void> last = stream.send("last").toCompletableFuture();
        stream.close();
        stream.close();
        assertEquals(ReadyState.CLOSING, stream.readyState());
        assertEquals(0, responsesCompleted.get(), "the queued event is still being written");
        output.completeAll();
        last.get(1, TimeUnit.SECONDS);
        assertEquals(ReadyState.CLOSED, stream.readyState());
        assertTrue(stream.closed().toCompletableFuture().isDone());
        assertEquals(1, responsesCompleted.get());
        assertEquals(List.of("open", "close"), events);
        assertEquals(encoded(SseEvent.data("last")), output.text());

        CompletableFuture<Void> tooLate = stream.send("too late").toCompletableFuture();
        executor.runAll();
        assertInstanceOf(ConnectionClosedException.class, failureOf(tooLate));
        stream.close();
        stream.outputEnded("the container completed the response", null);
        assertEquals(List.of("open", "close"), events);
        assertEquals(1, responsesCompleted.get());
    }

    @Test
    void aCloseBeforeStartIsKeptAndStartThenClosesOnceRetryIsWritten() {
        EventStream stream = stream(options().retry(Duration.ofMillis(1500)).pingInterval(Duration.ofSeconds(15)).build());
        stream.close();
        assertEquals(ReadyState.CLOSING, stream.readyState());
        CompletableFuture<Void> refused = stream.send("after close").toCompletableFuture();
        executor.runAll();
        assertInstanceOf(ConnectionClosedException.class, failureOf(refused));
        assertEquals(0, responsesCompleted.get(), "no output to end yet");

        stream.start(output);
        assertEquals(ReadyState.CLOSING, stream.readyState(), "retry is still being written");
        output.completeAll();
        executor.runAll();
        assertEquals(ReadyState.CLOSED, stream.readyState());
        assertEquals("retry: 1500\n\n", output.text());
        assertEquals(List.of("open", "close"), events);
        assertEquals(1, responsesCompleted.get());
        assertTrue(stream.closed().toCompletableFuture().isDone());
        assertEquals(0, scheduler.pending(), "no heartbeat, no close deadline left");
        stream.close();
        assertEquals(List.of("open", "close"), events);
    }

    @Test
    void aCloseBeforeStartWithNothingToWriteClosesWithinStart() {
        EventStream stream = stream(options().build());
        output.writesAtOnce(true);
        stream.close();
        stream.start(output);
        executor.runAll();
        assertEquals(ReadyState.CLOSED, stream.readyState());
        assertEquals(List.of("open", "close"), events);
        assertEquals(1, responsesCompleted.get());
        assertEquals(0, output.writes());
    }

    @Test
    void closeGivesUpOnQueuedEventsNotTakenWithinTheStallTimeout() {
        EventStream stream = started(options().stallTimeout(Duration.ofSeconds(5)).build());
        CompletableFuture<Void> stuck = stream.send("never taken").toCompletableFuture();
        stream.close();
        scheduler.advance(Duration.ofSeconds(4));
        executor.runAll();
        assertEquals(ReadyState.CLOSING, stream.readyState());
        scheduler.advance(Duration.ofSeconds(1));
        executor.runAll();
        assertEquals(ReadyState.CLOSED, stream.readyState());
        assertInstanceOf(ConnectionClosedException.class, failureOf(stuck));
        assertEquals(List.of("open", "close"), events);
        assertEquals(1, responsesCompleted.get());
    }

    @Test
    void theHeartbeatPingsAnIdleClient() {
        EventStream stream = started(options().pingInterval(Duration.ofSeconds(15)).build());
        output.writesAtOnce(true);
        scheduler.advance(Duration.ofSeconds(14));
        executor.runAll();
        assertEquals("", output.text());
        scheduler.advance(Duration.ofSeconds(1));
        executor.runAll();
        assertEquals(":\n", output.text());
        scheduler.advance(Duration.ofSeconds(30));
        executor.runAll();
        assertEquals(":\n:\n:\n", output.text());
        assertEquals(ReadyState.OPEN, stream.readyState());
    }

    @Test
    void aClientThatGoesAwayIsNoticedByTheHeartbeat() {
        EventStream stream = started(options().pingInterval(Duration.ofSeconds(15)).build());
        scheduler.advance(Duration.ofSeconds(15));
        executor.runAll();
        assertTrue(output.writing(), "the ping is being written");
        output.failWrite(new IOException("Broken pipe"));
        executor.runAll();
        assertEquals(ReadyState.CLOSED, stream.readyState());
        assertEquals(0, stream.bufferedAmount());
        assertEquals(List.of("open", "close"), events);
        assertEquals(1, responsesCompleted.get());
        assertEquals(0, scheduler.pending(), "the heartbeat stopped");
        // Later pings and sends fail quietly and fire nothing more.
        CompletableFuture<Void> ping = stream.ping().toCompletableFuture();
        executor.runAll();
        assertInstanceOf(ConnectionClosedException.class, failureOf(ping));
        assertEquals(List.of("open", "close"), events);
    }

    @Test
    void aClientThatTakesNothingForTheStallTimeoutIsDropped() {
        EventStream stream = started(options().pingInterval(Duration.ofSeconds(10)).stallTimeout(Duration.ofSeconds(25)).build());
        stream.send("taken at once");
        output.completeWrite();
        stream.send("never taken");
        stream.send("queued behind it");
        for (int second = 10; second <= 20; second += 10) {
            scheduler.advance(Duration.ofSeconds(10));
            executor.runAll();
            assertEquals(ReadyState.OPEN, stream.readyState(), "at " + second + " s");
        }
        scheduler.advance(Duration.ofSeconds(10)); // 30 s since the queue was last empty
        executor.runAll();
        assertEquals(ReadyState.CLOSED, stream.readyState());
        assertEquals(List.of("open", "close"), events);
    }

    @Test
    void aClientThatKeepsTakingBytesIsNotDroppedThoughItsQueueNeverEmpties() {
        EventStream stream = started(options().pingInterval(Duration.ofSeconds(10)).stallTimeout(Duration.ofSeconds(25)).build());
        stream.send("first");
        for (int second = 10; second <= 60; second += 10) {
            stream.send("behind " + second); // the publisher stays ahead: one write in flight, one queued
            output.completeWrite(); // the client took the write in flight: progress, though never empty
            scheduler.advance(Duration.ofSeconds(10));
            executor.runAll();
            assertEquals(ReadyState.OPEN, stream.readyState(), "at " + second + " s");
        }
    }

    @Test
    void aClientTakingALongWriteBitByBitIsNotDroppedThoughTheWriteOutlastsTheStallTimeout() {
        EventStream stream = started(options().pingInterval(Duration.ofSeconds(10)).stallTimeout(Duration.ofSeconds(25))
                .bufferLimit(1000).build());
        stream.send("x".repeat(100_000)); // more than the buffer limit: one write, taken slowly
        for (int second = 10; second <= 60; second += 10) {
            output.progress(1000); // the socket took some of it
            scheduler.advance(Duration.ofSeconds(10));
            executor.runAll();
            assertEquals(ReadyState.OPEN, stream.readyState(), "at " + second + " s");
        }
        output.completeWrite();
        stream.send("y".repeat(100_000));
        output.progress(1000); // then it takes nothing more
        for (int second = 70; second <= 100; second += 10) {
            scheduler.advance(Duration.ofSeconds(10));
            executor.runAll();
        }
        assertEquals(ReadyState.CLOSED, stream.readyState(), "one that stops taking is still dropped");
    }

    @Test
    void theServerReportingTheOutputEndedClosesTheStreamOnce() {
        EventStream stream = started(options().pingInterval(Duration.ofSeconds(15)).build());
        stream.outputEnded("the container reported an error", new IOException("reset"));
        stream.outputEnded("the container completed the response", null);
        executor.runAll();
        assertEquals(ReadyState.CLOSED, stream.readyState());
        assertEquals(List.of("open", "close"), events);
        assertEquals(1, responsesCompleted.get());
        assertEquals(0, scheduler.pending());
    }

    @Test
    void aStreamWhoseHeadCouldNotBeSentNeverOpens() {
        EventStream stream = stream(options().retry(Duration.ofSeconds(1)).build());
        stream.outputEnded("the response head could not be sent", new IOException("gone"));
        stream.start(output);
        assertEquals(ReadyState.CLOSED, stream.readyState());
        assertTrue(events.isEmpty(), "no listener event: " + events);
        assertEquals(1, responsesCompleted.get());
        assertEquals(0, output.writes());
    }

    @Test
    void aWriteThatFailsAtStartEndsTheStreamBeforeItOpens() {
        EventStream stream = stream(options().retry(Duration.ofSeconds(1)).build());
        stream.start((buffers, callback) -> callback.failed(new IOException("Broken pipe")));
        assertEquals(ReadyState.CLOSED, stream.readyState());
        assertTrue(events.isEmpty(), "no listener event: " + events);
        assertEquals(1, responsesCompleted.get());
    }

    @Test
    void failSendRefusesEventsButKeepsTheStream() {
        long limit = 64 << 10;
        EventStream stream = started(options().bufferLimit(limit).overflowPolicy(EventStreamOptions.OverflowPolicy.FAIL_SEND).build());
        String payload = "x".repeat(16 << 10);
        Throwable refused = null;
        for (int sent = 0; refused == null && sent < 100; sent++) {
            CompletableFuture<Void> send = stream.send(payload).toCompletableFuture();
            executor.runAll();
            if (send.isCompletedExceptionally()) refused = failureOf(send);
        }
        assertInstanceOf(OutboundOverflowException.class, refused);
        assertTrue(stream.bufferedAmount() <= limit, "buffered " + stream.bufferedAmount());
        assertEquals(ReadyState.OPEN, stream.readyState());
        output.completeAll();
        assertEquals(0, stream.bufferedAmount());
        CompletableFuture<Void> after = stream.send("after").toCompletableFuture();
        output.completeAll();
        assertTrue(after.isDone() && !after.isCompletedExceptionally());
        assertEquals(List.of("open"), events);
    }

    @Test
    void anEventLargerThanTheLimitStillFitsAnEmptyQueue() {
        EventStream stream = started(options().bufferLimit(16).build());
        CompletableFuture<Void> big = stream.send("y".repeat(1000)).toCompletableFuture();
        output.completeAll();
        assertTrue(big.isDone() && !big.isCompletedExceptionally());
        assertEquals(ReadyState.OPEN, stream.readyState());
    }

    @Test
    void theClosePolicyDropsTheStreamAndWritesNothingAfterTheRefusedEvent() {
        EventStream stream = started(options().bufferLimit(120).build()); // two of these events fit, not three
        List<CompletableFuture<Void>> sends = new CopyOnWriteArrayList<>();
        for (int n = 1; n <= 3; n++) {
            sends.add(stream.send(SseEvent.data("x".repeat(40)).id(Integer.toString(n))).toCompletableFuture());
        }
        executor.runAll();
        // 1 is being written, 2 queued; 3 would pass the limit: refused, and the stream is dropped.
        assertInstanceOf(OutboundOverflowException.class, failureOf(sends.get(2)));
        assertEquals(ReadyState.CLOSED, stream.readyState());
        assertEquals(List.of("open", "close"), events);
        assertInstanceOf(ConnectionClosedException.class, failureOf(sends.get(1)));
        output.completeAll();
        assertEquals(List.of("1"), output.ids(), "only the write already in progress went out");
        assertEquals(1, responsesCompleted.get());
    }

    @Test
    void chainedSendsDoNotGrowTheStack() throws Exception {
        int count = 200_000;
        // The runtime's own threads: completions past the inline depth start fresh stacks there.
        EventStream stream = new EventStream(EventStreamOptions.builder().pingInterval(Duration.ZERO).build(), recorder,
                "http://localhost/events", "", responsesCompleted::incrementAndGet);
        FakeOutput atOnce = new FakeOutput().writesAtOnce(true);
        stream.start(atOnce);
        CompletableFuture<Void> allSent = new CompletableFuture<>();
        sendFrom(stream, 0, count, allSent); // each send when the one before it has completed
        allSent.get(30, TimeUnit.SECONDS); // a StackOverflowError in the chain fails it
        assertEquals(count, atOnce.text().split("\n\n").length);
    }

    private static void sendFrom(EventSource source, int sent, int count, CompletableFuture<Void> allSent) {
        if (sent == count) {
            allSent.complete(null);
            return;
        }
        source.send("x").thenRun(() -> sendFrom(source, sent + 1, count, allSent)).exceptionally(e -> {
            allSent.completeExceptionally(e);
            return null;
        });
    }

    @Test
    void theStreamKnowsItsUrlAndTheClientsLastEventId() {
        EventStream stream = new EventStream(options().build(), recorder, "http://localhost/events?x=1", "41",
                responsesCompleted::incrementAndGet);
        assertEquals("41", stream.lastEventId());
        assertEquals("http://localhost/events?x=1", stream.url());
        assertEquals(ReadyState.CONNECTING, stream.readyState());
    }

    @Test
    void attributesBelongToTheStream() {
        EventStream stream = started(options().build());
        stream.attributes().put("user", "ada");
        assertEquals("ada", stream.attributes().get("user"));
        assertEquals("EventSource[http://localhost/events, OPEN]", stream.toString());
    }

    @Test
    @DisplayName("a listener that throws a checked exception past the compiler is logged: close() still closes, and does not throw")
    void aListenerThrowingPastTheCompilerDoesNotEscapeClose() {
        EventStream stream = new EventStream(options().build(), new EventSourceListener() {
            @Override
            public void onClose(EventSource source) {
                EventStreamTest.<RuntimeException>sneakyThrow(new java.io.IOException("thrown past the compiler (expected in this test)"));
            }
        }, "http://localhost/events", "", responsesCompleted::incrementAndGet, scheduler::nanoTime);
        stream.start(output);

        stream.close();

        assertTrue(stream.closed().toCompletableFuture().isDone(), "closed all the same");
        assertEquals(1, responsesCompleted.get());
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }
}
