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

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One run of {@code tether connect}: connects, then sends what is typed or piped in (or
 * {@code --execute}'s messages) while {@link PrintingListener} prints what arrives, until the
 * connection is over. The main thread waits for the exit status; input is read on its own thread,
 * so a server that closes ends the run even while a line is half typed.
 */
final class ConnectSession {
    record Settings(List<String> execute, Duration waitAfter, boolean showPingPong, BinaryFormat binary,
                    boolean noColor, boolean insecure) {
    }

    private final URI target;
    private final ClientOptions options;
    private final Settings settings;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final AtomicBoolean closeRequested = new AtomicBoolean();
    private volatile WebSocket socket;

    ConnectSession(URI target, ClientOptions options, Settings settings) {
        this.target = target;
        this.options = options;
        this.settings = settings;
    }

    int run() {
        try (Console console = Consoles.open(settings.noColor());
             WebSocketClient client = WebSocketClient.builder().selectorThreads(1).build()) {
            Interrupts.install(console, () -> requestClose(console, CloseCodes.NORMAL, ""));
            if (settings.insecure()) {
                console.status(console.styles().warning(Failures.INSECURE_WARNING));
            }
            PrintingListener printer = new PrintingListener(console, settings, this::ended);
            try {
                socket = client.connect(target, options, printer).toCompletableFuture().get();
            } catch (ExecutionException e) {
                console.status(console.styles().error("tether: " + Failures.connectFailure(e.getCause(), target)));
                if (Failures.isSetup(e.getCause())) {
                    console.status("Run 'tether connect --help' for the options, with examples.");
                    return TetherCli.USAGE;
                }
                return 1;
            }
            Thread input = new Thread(() -> sendInput(console, printer), "tether-input");
            input.setDaemon(true); // blocked in a read when the connection ends: the process does not wait for it
            input.start();
            return exit.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Interrupts.STATUS;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The connection is over: 0 after a clean close that we asked for or the server ended normally, 1 otherwise. */
    private void ended(CloseStatus status) {
        boolean normal = status.code() == CloseCodes.NORMAL || status.code() == CloseCodes.GOING_AWAY
                || status.code() == CloseCodes.NO_STATUS;
        exit.complete(status.wasClean() && (normal || closeRequested.get()) ? 0 : 1);
    }

    private void sendInput(Console console, PrintingListener printer) {
        try {
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
        } catch (RuntimeException | java.io.IOError e) { // the terminal or standard input failed
            console.status(console.styles().error("tether: " + Failures.oneLine(e)));
            requestClose(console, CloseCodes.NORMAL, "");
        }
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
            if (line == null) { // Ctrl-D
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
        } catch (java.util.concurrent.TimeoutException e) {
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
