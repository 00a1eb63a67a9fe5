package dev.tether.cli.testing;

import dev.tether.driver.handshake.AcceptKey;


import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A WebSocket server that accepts the upgrade and then says nothing more, ever: it never answers a
 * close, so a client's close handshake can only end by its timeout (or the user's second Ctrl-C).
 * Or, {@link #startMute() mute}, one that takes the TCP connection and never answers the upgrade at
 * all. One thread accepts on 127.0.0.1; {@link #close} ends it and every connection.
 */
public final class SilentServer implements AutoCloseable {
    private static final Pattern KEY = Pattern.compile("(?im)^sec-websocket-key:\\s*(\\S+)\\s*$");

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private final boolean mute;
    private final CountDownLatch connected = new CountDownLatch(1);

    private SilentServer(boolean mute) throws IOException {
        this.mute = mute;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "silent-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static SilentServer start() throws IOException {
        return new SilentServer(false);
    }

    /** A server that accepts connections and never answers their upgrade requests. */
    public static SilentServer startMute() throws IOException {
        return new SilentServer(true);
    }

    /** Waits until a client has connected (and, unless mute, been upgraded). */
    public void awaitConnection() throws InterruptedException {
        if (!connected.await(Cli.WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("no client connected to " + url());
        }
    }

    public String url() {
        return "ws://127.0.0.1:" + server.getLocalPort() + "/";
    }

    private void accept() {
        try {
            while (true) {
                Socket socket = server.accept();
                sockets.add(socket);
                if (mute) {
                    connected.countDown();
                    continue;
                }
                String request = head(socket.getInputStream());
                Matcher key = KEY.matcher(request);
                if (!key.find()) {
                    socket.close();
                    continue;
                }
                String response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + AcceptKey.accept(key.group(1)) + "\r\n\r\n";
                socket.getOutputStream().write(response.getBytes(StandardCharsets.US_ASCII));
                connected.countDown();
                // and nothing more: whatever the client sends stays unread
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** The request head, up to and with its blank line. */
    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int lastFour = 0;
        int b;
        while (lastFour != 0x0d0a0d0a && (b = in.read()) != -1) {
            head.write(b);
            lastFour = (lastFour << 8) | b;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
