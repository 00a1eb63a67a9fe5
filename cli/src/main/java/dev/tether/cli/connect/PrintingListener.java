package dev.tether.cli.connect;

import dev.tether.api.CloseStatus;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.cli.Failures;
import dev.tether.cli.console.Console;
import dev.tether.cli.console.Styles;
import dev.tether.cli.format.Payloads;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Prints what happens on the connection: {@code < text} for messages received, pings and pongs
 * with {@code --show-ping-pong}, and status lines when it opens, fails and closes. Text goes to a
 * terminal with its control characters escaped, to a pipe as it came.
 */
final class PrintingListener implements WebSocketListener {
    private final Console console;
    private final Styles styles;
    private final ConnectSession.Settings settings;
    private final Consumer<WebSocket> opened;
    private final Consumer<CloseStatus> ended;

    PrintingListener(Console console, ConnectSession.Settings settings, Consumer<WebSocket> opened,
                     Consumer<CloseStatus> ended) {
        this.console = console;
        this.styles = console.styles();
        this.settings = settings;
        this.opened = opened;
        this.ended = ended;
    }

    @Override
    public void onOpen(WebSocket socket) {
        opened.accept(socket); // before anything is printed: from now on a signal closes it cleanly
        StringBuilder line = new StringBuilder("connected to ").append(socket.handshake().uri());
        if (socket.protocol() != null) line.append(", subprotocol ").append(console.shown(socket.protocol()));
        if (!socket.extensions().isEmpty()) line.append(", extensions ").append(console.shown(String.join(", ", socket.extensions())));
        if (!socket.version().equals("hybi-13")) line.append(" (").append(socket.version()).append(')');
        console.status(styles.status(line.toString()));
    }

    @Override
    public void onText(WebSocket socket, String text) {
        console.message(styles.received("< ") + shown(text));
    }

    @Override
    public void onBinary(WebSocket socket, ByteBuffer data) {
        console.message(styles.received("< ") + settings.binary().describe(data));
    }

    @Override
    public void onPing(WebSocket socket, ByteBuffer payload) {
        if (settings.showPingPong()) {
            console.message(styles.control("< ping" + Payloads.describe(payload, console::shown)));
        }
    }

    @Override
    public void onPong(WebSocket socket, ByteBuffer payload) {
        if (settings.showPingPong()) {
            console.message(styles.control("< pong" + Payloads.describe(payload, console::shown)));
        }
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
        console.status(styles.error("error: " + Failures.oneLine(error)));
    }

    @Override
    public void onClose(WebSocket socket, CloseStatus status) {
        String line = ConnectSession.describe(status);
        console.status(status.wasClean() ? styles.status(line) : styles.error(line));
        ended.accept(status);
    }

    /** A line of ours to show (a pong's round trip, a command's answer). */
    void note(String line) {
        console.message(styles.control(line));
    }

    private String shown(String text) {
        return console.shown(text);
    }
}
