package dev.tether.client.connect;

import dev.tether.client.WebSocketConnectException;
import dev.tether.client.WebSocketConnectException.Step;
import dev.tether.client.nio.SelectorLoop;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The first step of a connect: resolve the first hop's name (the server's, or the proxy's), then
 * connect to its addresses in turn, non-blocking, on a selector, and hand on the connected socket.
 * Resolving blocks the executor thread it runs on (the JDK has no other way); connecting never does.
 */
final class TcpConnect implements SelectorLoop.Selectable {

    /** What the attempt hears of this step; called on the executor (or, when the client closes, the selector). */
    interface Outcome {
        void connected(SocketChannel channel, SelectionKey key, SelectorLoop loop);

        void failed(WebSocketConnectException error);

        /** Whether the attempt already ended (timed out, cancelled): a socket opened now is closed at once. */
        boolean over();
    }

    private final String name;
    private final int port;
    private final String description;
    private final Supplier<SelectorLoop> loops;
    private final Consumer<Runnable> executor;
    private final Outcome outcome;

    private List<InetAddress> addresses;
    private int next;
    private volatile SocketChannel channel;
    private volatile SelectorLoop loop;

    /**
     * @param name        the host name or literal to resolve
     * @param description the first hop as messages name it: {@code host:port}, or {@code the proxy host:port}
     */
    TcpConnect(String name, int port, String description, Supplier<SelectorLoop> loops, Consumer<Runnable> executor,
               Outcome outcome) {
        this.name = name;
        this.port = port;
        this.description = description;
        this.loops = loops;
        this.executor = executor;
        this.outcome = outcome;
    }

    void start() {
        executor.accept(this::resolve);
    }

    private void resolve() {
        try {
            addresses = List.of(InetAddress.getAllByName(unbracketed(name)));
        } catch (UnknownHostException e) {
            outcome.failed(new WebSocketConnectException(Step.DNS, "could not resolve " + (description.startsWith("the proxy ")
                    ? "the proxy " : "") + name + ": " + e.getMessage(), e));
            return;
        }
        connectNext(null);
    }

    private void connectNext(IOException previous) {
        if (next >= addresses.size()) {
            String tried = addresses.size() == 1 ? addresses.get(0).getHostAddress() : addresses.size() + " addresses";
            outcome.failed(new WebSocketConnectException(Step.CONNECT, "could not connect to " + description + " (" + tried
                    + "): " + previous.getMessage(), previous));
            return;
        }
        InetSocketAddress address = new InetSocketAddress(addresses.get(next++), port);
        try {
            SocketChannel socket = SocketChannel.open();
            channel = socket;
            if (outcome.over()) { // timed out (or the client closed) while the name was resolving
                close();
                return;
            }
            socket.configureBlocking(false);
            socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean connected = socket.connect(address);
            loop = loops.get();
            loop.register(socket, connected ? 0 : SelectionKey.OP_CONNECT, this,
                    key -> {
                        if (connected) {
                            executor.accept(() -> handOn(key));
                        }
                    },
                    this::notRegistered);
        } catch (IOException | RuntimeException e) { // connect() throws unchecked ones too (an unsupported address type)
            close();
            connectNext(e instanceof IOException io ? io : new IOException(e.getMessage(), e));
        }
    }

    private void notRegistered(IOException e) {
        close();
        outcome.failed(new WebSocketConnectException(Step.CANCELLED, "the client is closed", e));
    }

    @Override
    public void onReady(SelectionKey key, int readyOps) {
        if ((readyOps & SelectionKey.OP_CONNECT) == 0) {
            return;
        }
        try {
            if (channel.finishConnect()) {
                key.interestOps(0);
                executor.accept(() -> handOn(key));
            } // else: not yet, and OP_CONNECT stays asked for
        } catch (IOException e) {
            key.cancel();
            close();
            executor.accept(() -> connectNext(e));
        }
    }

    @Override
    public void onLoopClosed() {
        outcome.failed(new WebSocketConnectException(Step.CANCELLED, "the client was closed while connecting"));
    }

    private void handOn(SelectionKey key) {
        if (outcome.over()) {
            close();
            return;
        }
        outcome.connected(channel, key, loop);
    }

    /** Closes the socket being connected, if any, and has its selector let go of it. */
    void close() {
        SocketChannel socket = channel;
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing was sent on it
            }
            SelectorLoop registeredOn = loop;
            if (registeredOn != null) {
                registeredOn.wakeup(); // a registered socket is released when the selector drops its key
            }
        }
    }

    static String unbracketed(String name) {
        return name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
    }
}
