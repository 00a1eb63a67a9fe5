package dev.tether.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A server on 127.0.0.1 that answers each connection's request head with what its script says: the
 * misbehaving servers the client's connect failures are specified against (a refusal, a wrong
 * accept key, a server that never answers, a redirect). Every request head it read is kept.
 */
final class ScriptedServer implements AutoCloseable {

    /** What to do with one connection, given its request head. */
    @FunctionalInterface
    interface Script {
        void answer(String requestHead, Socket socket, OutputStream out) throws IOException;
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
    private final List<Socket> sockets = new ArrayList<>();

    private ScriptedServer(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> acceptAll(script), "scripted-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static ScriptedServer start(Script script) throws IOException {
        return new ScriptedServer(script);
    }

    /** Answers every request with {@code response} (ISO-8859-1), then closes when {@code thenClose}. */
    static ScriptedServer answering(String response, boolean thenClose) throws IOException {
        return start((head, socket, out) -> {
            out.write(response.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            if (thenClose) {
                socket.close();
            }
        });
    }

    int port() {
        return server.getLocalPort();
    }

    URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port() + path);
    }

    /** {@code http://127.0.0.1:<port><path>}, for the EventSource client. */
    URI httpUri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    /** The next request head read, waiting a bounded time. */
    String nextRequest() throws InterruptedException {
        String head = requests.poll(10, TimeUnit.SECONDS);
        if (head == null) {
            throw new AssertionError("no request reached the scripted server");
        }
        return head;
    }

    /** The value of {@code Sec-WebSocket-Key} in a request head. */
    static String key(String requestHead) {
        for (String line : requestHead.split("\r\n")) {
            if (line.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18)) {
                return line.substring(18).trim();
            }
        }
        throw new AssertionError("no Sec-WebSocket-Key in " + requestHead);
    }

    private void acceptAll(Script script) {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                synchronized (sockets) {
                    sockets.add(socket);
                }
                Thread worker = new Thread(() -> serve(socket, script), "scripted-connection");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket, Script script) {
        try {
            String head = readHead(socket.getInputStream());
            requests.add(head);
            script.answer(head, socket, socket.getOutputStream());
        } catch (IOException e) {
            // the client went away: what it saw is what the test checks
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the request ended before its head did");
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (sockets) {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
