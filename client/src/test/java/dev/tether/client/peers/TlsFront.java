package dev.tether.client.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * An HTTPS proxy for "TLS to the proxy" tests, made of a TLS front and a plain proxy behind it
 * (usually a {@link TinyProxy}): a JDK {@link SSLServerSocket} on 127.0.0.1 at a port the OS chose
 * that relays every accepted TLS connection byte for byte to {@code 127.0.0.1:<backendPort>}.
 *
 * <pre>{@code
 * try (TinyProxy proxy = TinyProxy.start();
 *      TlsFront front = TlsFront.start(TestCertificates.serverContext("server"), proxy.port())) {
 *     front.uri();   // https://127.0.0.1:<port>, the proxy to give the client
 * }
 * }</pre>
 *
 * Each connection gets two threads (one per direction); an end of stream is passed on as a
 * half-close, and when both directions are done (or either fails) both sockets close.
 * {@link #close} stops accepting, closes every connection and waits for all threads.
 */
public final class TlsFront implements AutoCloseable {
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

    private final SSLServerSocket server;
    private final int backendPort;
    private final Thread acceptor;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<Throwable> handshakeFailures = new CopyOnWriteArrayList<>();
    private final AtomicInteger handshakes = new AtomicInteger();
    private volatile boolean closed;

    private TlsFront(SSLServerSocket server, int backendPort) {
        this.server = server;
        this.backendPort = backendPort;
        this.acceptor = new Thread(this::acceptLoop, "tls-front accept :" + server.getLocalPort());
        acceptor.setDaemon(true);
    }

    /**
     * Starts relaying TLS connections, made with {@code context}'s server certificate (e.g.
     * {@link TestCertificates#serverContext}), to the plain {@code 127.0.0.1:backendPort}.
     */
    public static TlsFront start(SSLContext context, int backendPort) throws IOException {
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        try {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            server.close();
            throw e;
        }
        TlsFront front = new TlsFront(server, backendPort);
        front.acceptor.start();
        return front;
    }

    /** The port of the TLS side (127.0.0.1). */
    public int port() {
        return server.getLocalPort();
    }

    /** {@code https://127.0.0.1:<port>}, the proxy URI for "TLS to the proxy". */
    public URI uri() {
        return URI.create("https://127.0.0.1:" + port());
    }

    /** How many TLS handshakes completed (a test's proof that its client went through the front). */
    public int handshakes() {
        return handshakes.get();
    }

    /** The failed TLS handshakes so far (e.g. a client that does not trust the front's certificate). */
    public List<Throwable> handshakeFailures() {
        return List.copyOf(handshakeFailures);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            open.add(client);
            if (closed) {
                closeQuietly(client);
                return;
            }
            start(() -> relay((SSLSocket) client), "tls-front connection " + client.getPort());
        }
    }

    /** Handshakes with the client, connects to the backend, then relays both ways. */
    private void relay(SSLSocket client) {
        Socket backend = null;
        try {
            try {
                client.startHandshake();
            } catch (IOException e) {
                if (!closed) handshakeFailures.add(e);
                return;
            }
            handshakes.incrementAndGet();
            backend = new Socket(InetAddress.getLoopbackAddress(), backendPort);
            open.add(backend);
            if (closed) return;
            Socket to = backend;
            Thread up = start(() -> pump(client, to), "tls-front up " + client.getPort());
            pump(backend, client);
            up.join(); // both directions done: nothing left to relay
        } catch (IOException e) {
            // the backend refused or a socket failed: the client sees its connection end
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(client);
            closeQuietly(backend);
        }
    }

    /**
     * Copies {@code from} to {@code to} until the end of stream, then half-closes {@code to}; a
     * failure (a reset, or {@link #close}) closes both sockets, which ends the other direction too.
     */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
                out.flush();
            }
            try {
                to.shutdownOutput(); // TLS 1.3 can half-close (close_notify); TLS 1.2 cannot and closes
            } catch (SocketException | UnsupportedOperationException e) {
                closeQuietly(to);
            }
        } catch (IOException e) {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private Thread start(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
        return thread;
    }

    private void closeQuietly(Socket socket) {
        if (socket == null) return;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open.remove(socket);
    }

    @Override
    public String toString() {
        return "TlsFront[" + uri() + " -> 127.0.0.1:" + backendPort + "]";
    }

    /** Stops accepting, closes every relayed connection and waits for all threads. */
    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket socket : new ArrayList<>(open)) closeQuietly(socket);
        try {
            acceptor.join(JOIN_TIMEOUT.toMillis());
            for (Thread thread : threads) thread.join(JOIN_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<String> alive = threads.stream().filter(Thread::isAlive).map(Thread::getName).toList();
        if (acceptor.isAlive() || !alive.isEmpty()) {
            throw new IOException("TLS front threads still running after " + JOIN_TIMEOUT + ": " + alive);
        }
    }
}
