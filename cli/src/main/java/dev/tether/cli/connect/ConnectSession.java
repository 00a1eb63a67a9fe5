package dev.tether.cli.connect;

import dev.tether.api.CloseCodes;
import dev.tether.api.CloseStatus;
import dev.tether.api.WebSocket;
import dev.tether.cli.Failures;
import dev.tether.cli.Interrupts;
import dev.tether.cli.TetherCli;
import dev.tether.cli.console.Console;
import dev.tether.cli.console.Consoles;
import dev.tether.cli.format.BinaryFormat;
import dev.tether.cli.format.CloseText;
import dev.tether.client.ClientOptions;
import dev.tether.client.WebSocketClient;

import java.io.IOError;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One run of {@code tether connect}: connects, then sends what is typed or piped in (or
 * {@code --execute}'s messages) while {@link PrintingListener} prints what arrives, until the
 * connection is over. The main thread waits for the exit status; input is read on its own thread,
 * so a server that closes ends the run even while a line is half typed.
 */
final class ConnectSession {
    /** How long SIGTERM waits for the server to answer our 1001. */
    private static final Duration TERM_GRACE = Duration.ofSeconds(2);

    record Settings(List<String> execute, Duration waitAfter, boolean showPingPong, BinaryFormat binary,
                    boolean noColor, boolean raw, boolean insecure) {
    }

    private final URI target;
    private final ClientOptions options;
    private final Settings settings;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final AtomicBoolean closeRequested = new AtomicBoolean();
    /** A message that was not sent (refused, or the connection went first): the run did not do its job. */
    private final AtomicBoolean sendFailed = new AtomicBoolean();
    private volatile WebSocket socket;
    private volatile Interrupts interrupts;

    ConnectSession(URI target, ClientOptions options, Settings settings) {
        this.target = target;
        this.options = options;
        this.settings = settings;
    }

    int run() {
        try (Console console = Consoles.open(settings.noColor(), settings.raw());
             WebSocketClient client = WebSocketClient.builder().selectorThreads(1).build()) {
            interrupts = Interrupts.install(console, () -> requestClose(console, CloseCodes.NORMAL, ""));
            if (settings.insecure()) {
                console.status(console.styles().warning(Failures.INSECURE_WARNING));
            }
            Thread onTerm = new Thread(this::goAway, "tether-term");
            Runtime.getRuntime().addShutdownHook(onTerm);
            PrintingListener printer = new PrintingListener(console, settings, ws -> socket = ws, this::ended);
            try {
                client.connect(target, options, printer).toCompletableFuture().get();
            } catch (ExecutionException e) {
                removeQuietly(onTerm);
                console.status(console.styles().error("tether: " + Failures.connectFailure(e.getCause(), target)));
                if (Failures.isSetup(e.getCause())) {
                    console.status("Run 'tether connect --help' for the options, with examples.");
                    return TetherCli.USAGE;
                }
                return 1;
            }
            Thread input = new Thread(() -> sendInput(console, printer), "tether-input");
            input.setDaemon(true); // blocked in a read when the connection ends: the process does not wait for it
            input.setUncaughtExceptionHandler((thread, error) -> inputFailed(console, error));
            input.start();
            int status = exit.get();
            removeQuietly(onTerm);
            return status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Interrupts.STATUS;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** SIGTERM (the JVM is going down anyway): tell the server with 1001, and give it a moment to answer. */
    private void goAway() {
        WebSocket ws = socket;
        if (ws == null || exit.isDone()) return;
        closeRequested.set(true);
        ws.close(CloseCodes.GOING_AWAY, "");
        try {
            ws.closed().toCompletableFuture().get(TERM_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // going down regardless
        }
    }

    private static void removeQuietly(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down (SIGTERM came meanwhile): the hook runs, and does nothing
        }
    }

    /**
     * The connection is over: 0 after a clean close that we asked for or the server ended normally,
     * and every message went out; 1 otherwise.
     */
    private void ended(CloseStatus status) {
        boolean normal = status.code() == CloseCodes.NORMAL || status.code() == CloseCodes.GOING_AWAY
                || status.code() == CloseCodes.NO_STATUS;
        exit.complete(status.wasClean() && (normal || closeRequested.get()) && !sendFailed.get() ? 0 : 1);
    }

    private void sendInput(Console console, PrintingListener printer) {
        if (!settings.execute().isEmpty()) {
            for (String message : settings.execute()) {
                send(console, message);
            }
            waitThenClose(console);
        } else if (console.interactive()) {
            readTyped(console, printer);
        } else {
            readPiped(console);
        }
    }

    /** Reading or sending failed in a way nothing else reports (the terminal went away, say): one line, then close. */
    private void inputFailed(Console console, Throwable error) {
        if (exit.isDone()) return; // the session ended under the read: nothing went wrong
        console.status(console.styles().error("tether: " + Failures.oneLine(error)));
        requestClose(console, CloseCodes.NORMAL, "");
    }

    private void readTyped(Console console, PrintingListener printer) {
        SlashCommands commands = new SlashCommands(console, printer, this::requestClose);
        console.status(console.styles().status("Type a message and press Enter to send it; /help for commands, Ctrl-C or /quit to close."));
        while (!exit.isDone()) {
            String line;
            try {
                line = console.readLine();
            } catch (Console.Interrupted e) {
                continue; // the interrupt handler closes; a second Ctrl-C quits
            }
            if (line == null) { // Ctrl-D, or the session is over
                requestClose(console, CloseCodes.NORMAL, "");
                return;
            }
            String message = commands.handle(socket, line);
            if (message != null) {
                send(console, message);
            }
        }
    }

    private void readPiped(Console console) {
        while (!exit.isDone()) {
            String line;
            try {
                line = console.readLine();
            } catch (Console.Interrupted e) {
                continue; // not from a pipe; the interrupt handler closes all the same
            } catch (IOError | RuntimeException e) {
                inputFailed(console, e);
                return;
            }
            if (line == null) {
                waitThenClose(console);
                return;
            }
            send(console, line);
        }
    }

    /** Sends and waits until the bytes are written: reading no faster than the socket takes them. */
    private void send(Console console, String message) {
        try {
            socket.send(message).toCompletableFuture().get();
        } catch (ExecutionException e) {
            sendFailed.set(true);
            console.status(console.styles().error("not sent: " + Failures.oneLine(e.getCause())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void waitThenClose(Console console) {
        if (settings.waitAfter() == null) {
            return; // -w -1: until the server closes
        }
        try {
            exit.get(settings.waitAfter().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            requestClose(console, CloseCodes.NORMAL, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private void requestClose(Console console, int code, String reason) {
        WebSocket ws = socket;
        if (ws == null) { // still connecting: nothing to close cleanly
            console.status(console.styles().warning("interrupted while connecting"));
            console.close();
            Runtime.getRuntime().halt(Interrupts.STATUS);
        }
        interrupts.endingCleanly();
        if (closeRequested.compareAndSet(false, true)) {
            if (console.interactive()) {
                console.status(console.styles().status("closing… (Ctrl-C again to quit at once)"));
            }
            ws.close(code, reason);
        }
    }

    /** Describes the end for the printer. */
    static String describe(CloseStatus status) {
        return "closed: " + CloseText.describe(status);
    }
}
