package dev.tether.cli.events;

import dev.tether.cli.Failures;
import dev.tether.cli.Interrupts;
import dev.tether.cli.TetherCli;
import dev.tether.cli.console.Console;
import dev.tether.cli.console.Consoles;
import dev.tether.cli.console.PipeConsole;
import dev.tether.cli.console.Styles;
import dev.tether.cli.options.ClientFlags;
import dev.tether.client.EventSourceClient;
import dev.tether.client.EventSourceConnection;
import dev.tether.client.EventSourceException;
import dev.tether.client.EventSourceRequest;
import dev.tether.sse.ReceivedEvent;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One run of {@code tether events}: the stream followed until Ctrl-C, {@code --count} events, or a
 * failure that reconnecting cannot mend. Events go to standard output, the stream's life (opened,
 * retry, reconnecting) to standard error.
 */
final class EventsSession {
    record Settings(Long count, boolean json, boolean comments, boolean raw, boolean noColor) {
    }

    private final EventSourceRequest request;
    private final ClientFlags flags;
    private final Settings settings;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final AtomicLong events = new AtomicLong();

    EventsSession(EventSourceRequest request, ClientFlags flags, Settings settings) {
        this.request = request;
        this.flags = flags;
        this.settings = settings;
    }

    int run() {
        // Nothing is read from standard input: plain streams, coloured when they are a terminal.
        Styles styles = Styles.forOutput(Consoles.isTerminal(), settings.noColor());
        EventSourceClient.Builder builder = EventSourceClient.builder()
                .connectTimeout(flags.connectTimeout())
                .tls(flags.tls())
                .proxy(flags.proxy());
        EventSourceClient made;
        try {
            made = builder.build();
        } catch (IllegalArgumentException e) { // what java.net.http cannot do, e.g. TLS to the proxy
            System.err.println("tether: " + Failures.oneLine(e));
            System.err.println("Run 'tether events --help' for the options, with examples.");
            return TetherCli.USAGE;
        }
        try (Console console = new PipeConsole(styles, settings.raw());
             EventSourceClient client = made) {
            if (flags.insecure()) {
                console.status(styles.warning(Failures.INSECURE_WARNING));
            }
            EventSourceConnection connection = client.connect(request, new Printer(console, styles));
            Interrupts.install(console, () -> {
                connection.close();
                exit.complete(0);
            });
            return exit.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Interrupts.STATUS;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Prints what happens to the stream, and ends the run when it is over. */
    private final class Printer implements EventSourceConnection.Listener {
        private final Console console;
        private final Styles styles;

        Printer(Console console, Styles styles) {
            this.console = console;
            this.styles = styles;
        }

        @Override
        public void onOpen(EventSourceConnection connection, EventSourceConnection.Response response) {
            String resumed = connection.lastEventId().isEmpty() ? "" : ", Last-Event-ID: " + console.shown(connection.lastEventId());
            console.status(styles.status("connected to " + response.uri() + " (HTTP " + response.status() + resumed + ")"));
        }

        @Override
        public void onEvent(EventSourceConnection connection, ReceivedEvent event) {
            if (exit.isDone()) return;
            console.message(settings.json() ? EventText.json(event)
                    : styles.received("< " + EventText.head(event, console::shown) + ": ") + EventText.data(event, console::shown));
            if (settings.count() != null && events.incrementAndGet() >= settings.count()) {
                connection.close();
                exit.complete(0);
            }
        }

        @Override
        public void onRetry(EventSourceConnection connection, Duration delay) {
            console.status(styles.status("the server sets the reconnection delay to " + EventText.seconds(delay)));
        }

        @Override
        public void onComment(EventSourceConnection connection, String text) {
            if (settings.comments()) {
                console.message(styles.control(": " + console.shown(text)));
            }
        }

        @Override
        public void onReconnecting(EventSourceConnection connection, Duration delay, EventSourceException cause) {
            String resume = connection.lastEventId().isEmpty() ? "" : " with Last-Event-ID: " + console.shown(connection.lastEventId());
            console.status(styles.warning("disconnected: " + Failures.oneLine(cause) + "; reconnecting in "
                    + EventText.seconds(delay) + resume));
        }

        @Override
        public void onClose(EventSourceConnection connection, EventSourceException cause) {
            if (cause != null) {
                console.status(styles.error("tether: " + Failures.oneLine(cause)));
                exit.complete(1);
            } else {
                exit.complete(0);
            }
        }
    }
}
