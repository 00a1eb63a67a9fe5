package dev.tether.cli.connect;

import dev.tether.api.CloseCodes;
import dev.tether.api.WebSocket;
import dev.tether.cli.Failures;
import dev.tether.cli.console.Console;
import dev.tether.cli.format.Payloads;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The commands a person can type instead of a message: {@code /ping [data]}, {@code /pong [data]},
 * {@code /close [code [reason]]}, {@code /quit} and {@code /help}. A line starting with {@code //}
 * is a message starting with one {@code /}.
 */
final class SlashCommands {
    static final String HELP = String.join("\n",
            "/ping [data]            sends a ping; its pong is printed with the round-trip time",
            "/pong [data]            sends an unsolicited pong",
            "/close [code [reason]]  starts the close handshake (default 1000)",
            "/quit                   closes with 1000 and exits (as Ctrl-C and Ctrl-D do)",
            "/help                   this list",
            "//text                  sends the message /text");

    interface Closer {
        void close(Console console, int code, String reason);
    }

    private final Console console;
    private final PrintingListener printer;
    private final Closer closer;

    SlashCommands(Console console, PrintingListener printer, Closer closer) {
        this.console = console;
        this.printer = printer;
        this.closer = closer;
    }

    /** Runs {@code line} if it is a command and returns null; otherwise returns the message to send. */
    String handle(WebSocket socket, String line) {
        if (!line.startsWith("/")) {
            return line;
        }
        if (line.startsWith("//")) {
            return line.substring(1);
        }
        String[] words = line.split(" ", 2);
        String argument = words.length > 1 ? words[1] : "";
        switch (words[0]) {
            case "/ping" -> ping(socket, argument);
            case "/pong" -> pong(socket, argument);
            case "/close" -> close(argument);
            case "/quit", "/exit" -> closer.close(console, CloseCodes.NORMAL, "");
            case "/help" -> console.status(HELP);
            default -> console.status(console.styles().warning("unknown command " + words[0] + " (/help lists them; //… sends a message starting with /)"));
        }
        return null;
    }

    private void ping(WebSocket socket, String data) {
        ByteBuffer payload = controlPayload(data);
        if (payload == null) return;
        long start = System.nanoTime();
        String shown = Payloads.describe(payload, console::shown);
        socket.ping(payload).whenComplete((pong, error) -> {
            if (error == null) {
                printer.note(String.format("< pong%s after %.2f ms", shown, (System.nanoTime() - start) / 1e6));
            } else {
                console.status(console.styles().error("ping failed: " + Failures.oneLine(error)));
            }
        });
    }

    private void pong(WebSocket socket, String data) {
        ByteBuffer payload = controlPayload(data);
        if (payload == null) return;
        socket.pong(payload).whenComplete((sent, error) -> {
            if (error != null) {
                console.status(console.styles().error("pong failed: " + Failures.oneLine(error)));
            }
        });
    }

    private ByteBuffer controlPayload(String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 125) {
            console.status(console.styles().warning("a ping or pong carries at most 125 bytes; this is " + bytes.length));
            return null;
        }
        return ByteBuffer.wrap(bytes);
    }

    private void close(String argument) {
        String[] words = argument.isBlank() ? new String[0] : argument.strip().split(" ", 2);
        int code = CloseCodes.NORMAL;
        String reason = words.length > 1 ? words[1] : "";
        try {
            if (words.length > 0) {
                code = Integer.parseInt(words[0]);
            }
            CloseCodes.checkSendable(code, reason);
        } catch (IllegalArgumentException e) { // NumberFormatException too
            console.status(console.styles().warning("/close takes a code (1000, 3000-4999, …) and a reason: " + e.getMessage()));
            return;
        }
        closer.close(console, code, reason);
    }
}
