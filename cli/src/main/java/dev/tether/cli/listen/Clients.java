package dev.tether.cli.listen;

import dev.tether.api.CloseStatus;
import dev.tether.api.WebSocket;
import dev.tether.api.WebSocketListener;
import dev.tether.cli.Failures;
import dev.tether.cli.console.Console;
import dev.tether.cli.console.Styles;
import dev.tether.cli.format.CloseText;
import dev.tether.cli.format.Payloads;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The clients connected to {@code tether listen}, numbered from 1 in the order they came, and the
 * listener that prints what each of them does.
 */
final class Clients {
    private final Console console;
    private final Styles styles;
    private final ListenSession.Settings settings;
    private final AtomicInteger numbers = new AtomicInteger();
    private final Map<Integer, WebSocket> open = new ConcurrentSkipListMap<>();

    Clients(Console console, ListenSession.Settings settings) {
        this.console = console;
        this.styles = console.styles();
        this.settings = settings;
    }

    /** The listener for one new client. */
    WebSocketListener newListener() {
        int number = numbers.incrementAndGet();
        String tag = "#" + number;
        return new WebSocketListener() {
            @Override
            public void onOpen(WebSocket socket) {
                synchronized (Clients.this) {
                    open.put(number, socket);
                    Clients.this.notifyAll();
                }
                InetSocketAddress from = socket.handshake().remoteAddress();
                console.status(styles.status("client " + tag + " connected from " + address(from) + ": "
                        + console.shown(socket.handshake().uri().toString())
                        + (socket.protocol() != null ? ", subprotocol " + console.shown(socket.protocol()) : "")
                        + (socket.extensions().isEmpty() ? "" : ", extensions " + console.shown(String.join(", ", socket.extensions())))
                        + (socket.version().equals("hybi-13") ? "" : " (" + socket.version() + ")")));
            }

            @Override
            public void onText(WebSocket socket, String text) {
                console.message(styles.received("< " + tag + ": ") + console.shown(text));
            }

            @Override
            public void onBinary(WebSocket socket, ByteBuffer data) {
                console.message(styles.received("< " + tag + ": ") + settings.binary().describe(data));
            }

            @Override
            public void onPing(WebSocket socket, ByteBuffer payload) {
                if (settings.showPingPong()) {
                    console.message(styles.control("< " + tag + ": ping" + Payloads.describe(payload, console::shown)));
                }
            }

            @Override
            public void onPong(WebSocket socket, ByteBuffer payload) {
                if (settings.showPingPong()) {
                    console.message(styles.control("< " + tag + ": pong" + Payloads.describe(payload, console::shown)));
                }
            }

            @Override
            public void onError(WebSocket socket, Throwable error) {
                console.status(styles.error("client " + tag + ": " + Failures.oneLine(error)));
            }

            @Override
            public void onClose(WebSocket socket, CloseStatus status) {
                open.remove(number);
                console.status(styles.status("client " + tag + " closed: " + CloseText.describe(status)));
            }
        };
    }

    /** The clients open now, by number. */
    Map<Integer, WebSocket> open() {
        return open;
    }

    /** Waits until a client is connected. */
    synchronized void awaitAny() throws InterruptedException {
        while (open.isEmpty()) {
            wait();
        }
    }

    /**
     * Sends {@code text} to every open client; null when there was none, else a stage that completes
     * when every send has (a failed one is reported here).
     */
    CompletableFuture<Void> sendToAll(String text) {
        List<Map.Entry<Integer, WebSocket>> clients = List.copyOf(open.entrySet());
        if (clients.isEmpty()) return null;
        CompletableFuture<?>[] sends = new CompletableFuture<?>[clients.size()];
        for (int i = 0; i < sends.length; i++) {
            Map.Entry<Integer, WebSocket> client = clients.get(i);
            sends[i] = client.getValue().send(text).toCompletableFuture().handle((sent, error) -> {
                if (error != null) {
                    console.status(styles.error("not sent to #" + client.getKey() + ": " + Failures.oneLine(error)));
                }
                return null;
            });
        }
        return CompletableFuture.allOf(sends);
    }

    /** {@code #n 127.0.0.1:5555 /path}, one line per client, or a line saying there is none. */
    String list() {
        StringBuilder lines = new StringBuilder();
        open.forEach((number, socket) -> lines.append(lines.length() == 0 ? "" : "\n").append('#').append(number).append(' ')
                .append(address(socket.handshake().remoteAddress())).append(' ')
                .append(console.shown(socket.handshake().uri().toString())));
        return lines.length() == 0 ? "no client is connected" : lines.toString();
    }

    private static String address(InetSocketAddress address) {
        if (address == null) return "?";
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
