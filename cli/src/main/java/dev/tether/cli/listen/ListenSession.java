package dev.tether.cli.listen;

import dev.tether.api.CloseCodes;
import dev.tether.api.CloseStatus;
import dev.tether.api.WebSocket;
import dev.tether.cli.Failures;
import dev.tether.cli.Interrupts;
import dev.tether.cli.console.Console;
import dev.tether.cli.console.Consoles;
import dev.tether.cli.format.BinaryFormat;
import dev.tether.extension.deflate.PerMessageDeflate;
import dev.tether.servlet.WebSocketOptions;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One run of {@code tether listen}: the server, the clients it prints, and the lines typed or piped
 * in, sent to every client. Runs until Ctrl-C, SIGTERM or {@code /quit}; the end of piped input
 * only means there is nothing more to send.
 */
final class ListenSession {
    record Settings(String host, int port, List<String> subprotocols, Integer maxSize, boolean showPingPong,
                    BinaryFormat binary, boolean noColor, boolean raw, boolean compress) {
    }

    static final String HELP = String.join("\n",
            "text                    sends the message to every connected client",
            "/ping [data]            pings every client (their pongs are printed with -P)",
            "/close [code [reason]]  closes every client (default 1000); the server goes on",
            "/clients                lists the connected clients",
            "/quit                   closes the clients with 1001 and stops (as Ctrl-C does)",
            "//text                  sends the message /text");

    /** How long the clients get to answer the close when the server stops. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(3);

    private final Settings settings;
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    ListenSession(Settings settings) {
        this.settings = settings;
    }

    int run() {
        try (Console console = Consoles.open(settings.noColor(), settings.raw())) {
            Clients clients = new Clients(console, settings);
            EmbeddedServer server;
            try {
                server = EmbeddedServer.start(settings.host(), settings.port(), options(), clients::newListener);
            } catch (Exception e) {
                console.status(console.styles().error("tether: cannot serve " + settings.host() + ":" + settings.port()
                        + ": " + Failures.oneLine(e)));
                return 1;
            }
            Interrupts interrupts = Interrupts.install(console, stopRequested::countDown);
            Thread stopOnTerm = new Thread(() -> stop(clients, server), "tether-stop");
            Runtime.getRuntime().addShutdownHook(stopOnTerm); // SIGTERM: the clients hear 1001 all the same
            console.status(console.styles().status("listening on " + server.url()
                    + " (every path; Ctrl-C to stop)" + (console.interactive() ? "; /help for commands" : "")));
            Thread input = new Thread(() -> readInput(console, clients), "tether-input");
            input.setDaemon(true);
            input.setUncaughtExceptionHandler((thread, error) -> {
                console.status(console.styles().error("tether: " + Failures.oneLine(error) + "; nothing more is sent"));
            });
            input.start();
            stopRequested.await();
            interrupts.endingCleanly(); // also after /quit or Ctrl-D: a Ctrl-C while stopping quits at once
            console.status(console.styles().status("stopping: closing " + clients.open().size() + " client(s) with 1001"));
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnTerm);
            } catch (IllegalStateException e) {
                return Interrupts.STATUS; // SIGTERM came meanwhile: its hook stops the server
            }
            stop(clients, server);
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Interrupts.STATUS;
        }
    }

    /** Closes the clients with 1001 and waits (a few seconds at most) for their answers, then stops the server. */
    private static void stop(Clients clients, EmbeddedServer server) {
        server.stopAccepting(); // no client comes after the 1001s and misses them
        List<CompletableFuture<CloseStatus>> closing = new ArrayList<>();
        for (WebSocket socket : clients.open().values()) {
            socket.close(CloseCodes.GOING_AWAY, "server stopping");
            closing.add(socket.closed().toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // a client that does not answer in time is dropped by the stop below
        }
        server.stop();
    }

    private WebSocketOptions options() {
        WebSocketOptions.Builder options = WebSocketOptions.builder();
        if (!settings.subprotocols().isEmpty()) options.protocols(settings.subprotocols().toArray(String[]::new));
        if (settings.maxSize() != null) options.maxLength(settings.maxSize());
        if (settings.compress()) options.extension(PerMessageDeflate.defaults());
        return options.build();
    }

    private void readInput(Console console, Clients clients) {
        while (true) {
            String line;
            try {
                line = console.readLine();
            } catch (Console.Interrupted e) {
                continue; // the interrupt handler stops the server
            }
            if (line == null) {
                if (console.interactive()) stopRequested.countDown(); // Ctrl-D
                return; // piped input is over: nothing more to send, the server goes on
            }
            if (console.interactive()) {
                typed(console, clients, line);
            } else {
                piped(clients, line);
            }
        }
    }

    private void typed(Console console, Clients clients, String line) {
        if (line.startsWith("/") && !line.startsWith("//")) {
            command(console, clients, line);
        } else if (clients.sendToAll(line.startsWith("//") ? line.substring(1) : line) == null) {
            console.status(console.styles().warning("no client is connected: not sent"));
        }
    }

    /** A piped line waits for a client, and the next is read once it is written: nothing is dropped, memory stays bounded. */
    private static void piped(Clients clients, String line) {
        try {
            CompletableFuture<Void> sent;
            while ((sent = clients.sendToAll(line)) == null) {
                clients.awaitAny();
            }
            sent.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void command(Console console, Clients clients, String line) {
        String[] words = line.split(" ", 2);
        String argument = words.length > 1 ? words[1] : "";
        switch (words[0]) {
            case "/ping" -> pingAll(console, clients, argument);
            case "/close" -> closeAll(console, clients, argument);
            case "/clients" -> console.status(clients.list());
            case "/quit", "/exit" -> stopRequested.countDown();
            case "/help" -> console.status(HELP);
            default -> console.status(console.styles().warning("unknown command " + words[0] + " (/help lists them)"));
        }
    }

    private static void pingAll(Console console, Clients clients, String data) {
        byte[] payload = data.getBytes(StandardCharsets.UTF_8);
        if (payload.length > 125) {
            console.status(console.styles().warning("a ping carries at most 125 bytes; this is " + payload.length));
            return;
        }
        clients.open().values().forEach(socket -> socket.ping(ByteBuffer.wrap(payload)));
    }

    private void closeAll(Console console, Clients clients, String argument) {
        String[] words = argument.isBlank() ? new String[0] : argument.strip().split(" ", 2);
        try {
            int code = words.length > 0 ? Integer.parseInt(words[0]) : CloseCodes.NORMAL;
            String reason = words.length > 1 ? words[1] : "";
            CloseCodes.checkSendable(code, reason);
            clients.open().values().forEach(socket -> socket.close(code, reason));
        } catch (IllegalArgumentException e) {
            console.status(console.styles().warning("/close takes a code (1000, 3000-4999, …) and a reason: " + e.getMessage()));
        }
    }
}
