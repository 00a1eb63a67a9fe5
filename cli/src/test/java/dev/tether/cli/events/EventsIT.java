package dev.tether.cli.events;

import dev.tether.cli.testing.Cli;
import dev.tether.cli.testing.ExampleApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tether events} against the example's {@code /events} (a {@code tick} a second, ids
 * replayed after {@code Last-Event-ID}) on embedded Jetty: events printed, reconnections shown, the
 * missed ticks replayed after the server drops the stream, a {@code reset} after a real restart.
 */
class EventsIT {
    private static final Pattern TICK = Pattern.compile("^< tick #(\\d+): tick (\\d+)$", Pattern.MULTILINE);

    private ExampleApp app;

    @BeforeEach
    void start() throws Exception {
        app = ExampleApp.start();
    }

    @AfterEach
    void stop() {
        app.close();
    }

    /** The tick numbers printed so far, each checked to carry its own number as id. */
    private static List<Long> ticks(String out) {
        List<Long> ticks = new ArrayList<>();
        Matcher tick = TICK.matcher(out);
        while (tick.find()) {
            assertEquals(tick.group(1), tick.group(2), "a tick's id is its number");
            ticks.add(Long.parseLong(tick.group(1)));
        }
        return ticks;
    }

    private static void assertConsecutive(List<Long> ticks, String transcript) {
        for (int i = 1; i < ticks.size(); i++) {
            assertEquals(ticks.get(i - 1) + 1, ticks.get(i), "every tick once, in order, none missed: " + ticks + transcript);
        }
    }

    @Test
    @DisplayName("prints each event with its type, id and data, and exits 0 after --count events")
    void printsEvents() throws Exception {
        try (Cli cli = Cli.piped("events", app.http("/events").toString(), "--count", "2")) {
            cli.assertExit(0);
            List<Long> ticks = ticks(cli.out());
            assertEquals(2, ticks.size(), cli.transcript());
            assertConsecutive(ticks, cli.transcript());
            assertTrue(cli.err().startsWith("connected to " + app.http("/events") + " (HTTP 200)"), cli.transcript());
            assertTrue(cli.err().contains("the server sets the reconnection delay to 2.0 s"), cli.transcript());
        }
    }

    @Test
    @DisplayName("--json prints one JSON object per event")
    void json() throws Exception {
        try (Cli cli = Cli.piped("events", app.http("/events").toString(), "--count", "1", "--json")) {
            cli.assertExit(0);
            assertTrue(cli.out().matches("\\{\"id\":\"(\\d+)\",\"event\":\"tick\",\"data\":\"tick \\1\"}\n"), cli.transcript());
        }
    }

    @Test
    @DisplayName("the server drops the stream: the reconnection is shown, and the ticks missed meanwhile are replayed, none twice")
    void reconnectsAndReplays() throws Exception {
        try (Cli cli = Cli.piped("events", app.http("/events").toString(), "--count", "6")) {
            cli.awaitOut("< tick");
            app.dropConnections();
            cli.awaitErr("reconnecting in 2.0 s with Last-Event-ID: ");
            cli.assertExit(0);
            List<Long> ticks = ticks(cli.out());
            assertEquals(6, ticks.size(), cli.transcript());
            assertConsecutive(ticks, cli.transcript());
            assertTrue(cli.err().contains("disconnected: "), cli.transcript());
            assertTrue(cli.err().matches("(?s).*connected to .* \\(HTTP 200, Last-Event-ID: \\d+\\).*"), cli.transcript());
        }
    }

    @Test
    @DisplayName("the server stops and comes back: the failed attempts are shown while it is down, then the stream resumes with Last-Event-ID")
    void serverRestart() throws Exception {
        try (Cli cli = Cli.piped("events", app.http("/events").toString())) {
            cli.awaitOut("< tick");
            app.stop();
            cli.awaitErr("reconnecting in 2.0 s"); // the server's retry: 2 s
            cli.awaitErr("reconnecting in 4.0 s"); // the attempt failed while it is down: twice as long
            List<Long> before = ticks(cli.out());
            long last = before.get(before.size() - 1);
            assertTrue(cli.err().contains("with Last-Event-ID: " + last), cli.transcript());
            app.startAgain();
            cli.awaitErr("(HTTP 200, Last-Event-ID: " + last + ")");
            int resumedAt = cli.out().length();
            cli.awaitOut(out -> TICK.matcher(out).find(resumedAt) || out.indexOf("< reset", resumedAt) >= 0,
                    "events from the restarted server");
            cli.interrupt();
            cli.assertExit(0);
        }
    }

    @Test
    @DisplayName("a URL that is not an event stream: the status in one line, status 1, no reconnection")
    void refused() throws Exception {
        try (Cli cli = Cli.piped("events", app.http("/no-such-stream").toString())) {
            cli.assertExit(1);
            assertTrue(cli.err().contains("404"), cli.transcript());
            assertEquals(1, cli.err().lines().count(), cli.transcript());
        }
    }

    @Test
    @DisplayName("--max-reconnects: after that many failed attempts in a row it gives up, status 1")
    void givesUp() throws Exception {
        int port;
        try (java.net.ServerSocket closed = new java.net.ServerSocket(0)) {
            port = closed.getLocalPort();
        }
        try (Cli cli = Cli.piped("events", "http://127.0.0.1:" + port + "/events", "--max-reconnects", "2", "--retry", "0")) {
            cli.assertExit(1);
            assertEquals(2, cli.err().lines().filter(line -> line.startsWith("disconnected: ")).count(), cli.transcript());
            assertTrue(cli.err().lines().reduce((a, b) -> b).orElse("").startsWith("tether: "), cli.transcript());
        }
    }

    @Test
    @DisplayName("when standard output closes (| head -2), the stream is closed and the tool ends, status 0")
    void endsWhenOutputCloses() throws Exception {
        try (Cli cli = Cli.piped("events", app.http("/events").toString())) {
            cli.awaitOut("< tick");
            cli.closeOutput();
            cli.assertExit(0);
        }
    }

    @Test
    @DisplayName("Ctrl-C (SIGINT) closes the stream and exits 0")
    void interrupt() throws Exception {
        try (Cli cli = Cli.piped("events", app.http("/events").toString())) {
            cli.awaitOut("< tick");
            cli.interrupt();
            cli.assertExit(0);
        }
    }
}
