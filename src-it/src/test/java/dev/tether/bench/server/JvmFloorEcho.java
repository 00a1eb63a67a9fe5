package dev.tether.bench.server;

import dev.tether.driver.handshake.AcceptKey;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;

/**
 * {@code jvm-floor}: a yardstick for the load benchmark, <b>not a WebSocket server anyone should
 * use</b>. It is the smallest WebSocket echo a JVM can run: plain JDK NIO, one thread, one
 * {@link Selector}, non-blocking {@link SocketChannel}s, no framework and no library (of Tether's only
 * the core's {@link AcceptKey}, for the handshake's answer). Its figures are what a JVM process can do
 * on the server's pinned core with nothing in between, copying nothing in user space but the unmask.
 *
 * <p>Handshake: it reads the request head up to its blank line (at most {@value #HEAD_LIMIT} bytes, or the
 * connection is dropped), finds {@code Sec-WebSocket-Key} and answers 101 with its
 * {@code Sec-WebSocket-Accept} (400 and a close without one). Nothing else of the request is looked at:
 * no method, path, version, {@code Upgrade} or {@code Origin} check, no subprotocols, no extensions.
 *
 * <p>Frames: each connection reads into a direct buffer of its own, made at its first frame (an idle
 * connection holds none), grown to the size of the largest frame it meets and then kept for every
 * frame after. Each whole frame in it is unmasked in place, eight bytes at a time; the server's header
 * is written in place over the client's (four mask bytes shorter, it ends where the payload begins),
 * and the frames of one read go back in one gathering write, each header and payload as they lie in
 * the buffer. A frame larger than the first buffer ({@value #FIRST_BUFFER} bytes) is read no further
 * than its end, so that the next one starts at the front again and nothing is moved; of small frames,
 * the part of one that a read left over is moved to the front when the buffer's end is reached. On a
 * partial write the connection waits for {@code OP_WRITE} and reads nothing until the write is done,
 * so what it holds stays bounded by its buffer.
 *
 * <p>Every frame is echoed as it came, frame by frame, with its opcode and FIN (text, binary and
 * continuation frames alike: a fragmented message comes back fragmented the same way); a ping is
 * answered with a pong of its payload, a pong is dropped, and a close is echoed, then the connection
 * closed. There are no limits (a frame may announce up to 2 GiB, and the buffer grows to it), no UTF-8
 * check, no checks of fragmentation order, RSV bits or control frame lengths; an unmasked client frame
 * or an unknown opcode drops the connection without a close frame.
 */
public final class JvmFloorEcho implements AutoCloseable {
    /** The longest request head read before the connection is dropped. */
    private static final int HEAD_LIMIT = 8192;
    /** A connection's first frame buffer; a larger frame grows it to the frame's size. */
    private static final int FIRST_BUFFER = 64 * 1024;
    /** The longest client header: 2 bytes, 8 of extended length, 4 of mask. */
    private static final int MAX_HEADER = 14;
    /** The largest frame (header and payload) a direct buffer can hold. */
    private static final long MAX_FRAME = Integer.MAX_VALUE - 8;
    /** As node's: the accept backlog is never what limits the handshakes in flight. */
    private static final int BACKLOG = 511;
    /** Buffers a gathering write takes at once (Linux's IOV_MAX; the JDK's limit too). */
    private static final int MAX_GATHER = 1024;
    private static final ByteBuffer[] NO_VIEWS = new ByteBuffer[0];
    private static final byte[] BAD_REQUEST = ("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);

    private final Selector selector;
    private final ServerSocketChannel server;
    private final int port;
    private final Thread thread;
    private volatile boolean stopping;

    private JvmFloorEcho() throws IOException {
        selector = Selector.open();
        server = ServerSocketChannel.open();
        try {
            server.bind(new InetSocketAddress("127.0.0.1", 0), BACKLOG);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException | RuntimeException e) {
            server.close();
            selector.close();
            throw e;
        }
        thread = new Thread(this::loop, "jvm-floor");
    }

    /** Starts the echo on a free port of 127.0.0.1, its one thread serving every connection. */
    public static JvmFloorEcho start() throws IOException {
        JvmFloorEcho echo = new JvmFloorEcho();
        echo.thread.start();
        return echo;
    }

    /** The port it listens on. */
    public int port() {
        return port;
    }

    /** Stops the thread and closes every connection. */
    @Override
    public void close() {
        stopping = true;
        selector.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        try {
            while (!stopping) {
                selector.select();
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (key.attachment() instanceof Connection c) {
                        c.ready(key);
                    } else {
                        accept();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!stopping) {
                e.printStackTrace(); // the whole server stops: the benchmark sees its connections fail
            }
        } finally {
            for (SelectionKey key : selector.keys()) {
                closeQuietly(key.channel());
            }
            closeQuietly(selector);
        }
    }

    private void accept() throws IOException {
        for (SocketChannel channel; (channel = server.accept()) != null; ) {
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Connection c = new Connection(channel);
                c.key = channel.register(selector, SelectionKey.OP_READ, c);
            } catch (IOException e) {
                closeQuietly(channel);
            }
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }

    /** XORs the payload in {@code [from, to)} with the mask key in the four bytes before {@code from}. */
    private static void unmask(ByteBuffer b, int from, int to) {
        int key = b.getInt(from - 4); // in the buffer's order, as the longs below: byte k of memory stays byte k
        if (key == 0) {
            return;
        }
        long mask = (key & 0xFFFFFFFFL) | ((long) key << 32);
        int i = from;
        for (int end = to - 7; i < end; i += 8) {
            b.putLong(i, b.getLong(i) ^ mask);
        }
        for (; i < to; i++) {
            b.put(i, (byte) (b.get(i) ^ b.get(from - 4 + ((i - from) & 3))));
        }
    }

    /** One client connection: its handshake, then its frames. Touched only by the selector's thread. */
    private static final class Connection {
        final SocketChannel channel;
        SelectionKey key;
        /** The request head while handshaking; null after. */
        ByteBuffer head = ByteBuffer.allocate(HEAD_LIMIT);
        /** Frames read, from {@link #parsed} to {@link #filled}; null until the first frame's bytes. */
        ByteBuffer buffer;
        /** Where the first frame not yet echoed begins. */
        int parsed;
        /** Where the bytes read end. */
        int filled;
        /** Views of {@link #buffer}, one per frame of a gathering write; made as needed, kept with the buffer. */
        ByteBuffer[] views = NO_VIEWS;
        /** What is being written, from {@link #writeFrom} to {@link #writeTo}. */
        ByteBuffer[] writing;
        int writeFrom;
        int writeTo;
        /** The last write carries a close (an echoed close frame, or a refused handshake): close after it. */
        boolean closeWhenWritten;

        Connection(SocketChannel channel) {
            this.channel = channel;
        }

        void ready(SelectionKey k) {
            try {
                if (k.isWritable()) {
                    onWritable();
                } else if (k.isReadable()) {
                    onReadable();
                }
            } catch (IOException e) {
                close(); // a reset, a frame we do not take: the connection goes
            } catch (RuntimeException e) {
                e.printStackTrace(); // a bug of ours: seen in the server's log
                close();
            }
        }

        void onReadable() throws IOException {
            if (head != null) {
                handshake();
                return;
            }
            while (true) {
                int offered = makeRoomToRead();
                int n = channel.read(buffer);
                if (n < 0) {
                    close();
                    return;
                }
                filled += n;
                if (!echoWholeFrames() || n < offered) {
                    return; // waiting to write, closed, or the socket is empty: the selector calls again
                }
            }
        }

        void onWritable() throws IOException {
            if (!flush()) {
                return;
            }
            key.interestOps(SelectionKey.OP_READ);
            if (written() && echoWholeFrames()) {
                onReadable();
            }
        }

        // ---- the handshake

        void handshake() throws IOException {
            int before = head.position();
            if (channel.read(head) < 0) {
                close();
                return;
            }
            int end = headEnd(Math.max(0, before - 3));
            if (end < 0) {
                if (!head.hasRemaining()) {
                    close(); // no blank line within HEAD_LIMIT
                }
                return;
            }
            String clientKey = header(new String(head.array(), 0, end, StandardCharsets.ISO_8859_1), "Sec-WebSocket-Key");
            byte[] answer;
            if (clientKey == null) {
                answer = BAD_REQUEST;
                closeWhenWritten = true;
            } else {
                answer = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + AcceptKey.accept(clientKey) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
                int early = head.position() - end; // frames sent right behind the head
                if (early > 0) {
                    buffer = ByteBuffer.allocateDirect(Math.max(FIRST_BUFFER, early)).order(ByteOrder.nativeOrder());
                    buffer.put(head.array(), end, early);
                    filled = early;
                }
            }
            head = null;
            writing = new ByteBuffer[] {ByteBuffer.wrap(answer)};
            writeFrom = 0;
            writeTo = 1;
            if (!flush()) {
                key.interestOps(SelectionKey.OP_WRITE);
                return;
            }
            if (written() && echoWholeFrames() && filled > 0) {
                onReadable();
            }
        }

        /** The index just past the head's blank line, searching from {@code from}; -1 if it has not come yet. */
        private int headEnd(int from) {
            byte[] a = head.array();
            for (int i = from + 3; i < head.position(); i++) {
                if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
                    return i + 1;
                }
            }
            return -1;
        }

        private static String header(String head, String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon == name.length() && line.regionMatches(true, 0, name, 0, colon)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        // ---- frames

        /**
         * Makes room in the buffer for the frame at {@link #parsed} (or its header, while its length is
         * not known), sets the buffer up to read into, and returns how many bytes it offers.
         */
        private int makeRoomToRead() throws IOException {
            if (buffer == null) {
                buffer = ByteBuffer.allocateDirect(FIRST_BUFFER).order(ByteOrder.nativeOrder());
            }
            if (parsed == filled) {
                parsed = 0;
                filled = 0;
            }
            long frame = frameLength();
            long need = frame < 0 ? MAX_HEADER : frame;
            if (need > buffer.capacity()) {
                if (need > MAX_FRAME) {
                    throw new IOException("a frame of " + need + " bytes");
                }
                ByteBuffer grown = ByteBuffer.allocateDirect((int) need).order(ByteOrder.nativeOrder());
                buffer.limit(filled).position(parsed);
                grown.put(buffer);
                buffer = grown;
                views = NO_VIEWS; // views of the old buffer
                filled -= parsed;
                parsed = 0;
            } else if (parsed + need > buffer.capacity()) {
                buffer.limit(filled).position(parsed);
                buffer.compact();
                filled -= parsed;
                parsed = 0;
            }
            // A large frame is read up to its end only: the next one then starts at the front, unmoved.
            int limit = frame > FIRST_BUFFER ? parsed + (int) frame : buffer.capacity();
            buffer.limit(limit).position(filled);
            return limit - filled;
        }

        /** The whole length (header and payload) of the frame at {@link #parsed}; -1 while its header is incomplete. */
        private long frameLength() throws IOException {
            int available = filled - parsed;
            if (available < 2) {
                return -1;
            }
            int b1 = buffer.get(parsed + 1) & 0xFF;
            if ((b1 & 0x80) == 0) {
                throw new IOException("an unmasked client frame");
            }
            int length7 = b1 & 0x7F;
            int extended = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
            int headerLength = 2 + extended + 4;
            if (available < headerLength) {
                return -1;
            }
            long payload = length7;
            if (extended > 0) {
                payload = 0;
                for (int i = 0; i < extended; i++) {
                    payload = payload << 8 | (buffer.get(parsed + 2 + i) & 0xFF);
                }
                if (payload < 0) {
                    throw new IOException("a frame of more than 2^63 bytes");
                }
            }
            return headerLength + payload;
        }

        /**
         * Echoes every whole frame in the buffer, in one gathering write; false when the connection has
         * to wait (the write was partial) or is closed.
         */
        private boolean echoWholeFrames() throws IOException {
            int count = 0;
            for (long frame; !closeWhenWritten && (frame = frameLength()) >= 0 && frame <= filled - parsed; ) {
                int start = parsed;
                int end = parsed + (int) frame;
                parsed = end;
                int b0 = buffer.get(start) & 0xFF;
                int b1 = buffer.get(start + 1) & 0xFF;
                int extended = (b1 & 0x7F) == 126 ? 2 : (b1 & 0x7F) == 127 ? 8 : 0;
                int payload = start + 2 + extended + 4;
                int opcode = b0 & 0x0F;
                int first; // the echo's first byte: FIN and opcode, RSV bits clear
                switch (opcode) {
                    case 0, 1, 2 -> first = b0 & 0x8F;
                    case 8 -> {
                        first = 0x88;
                        closeWhenWritten = true;
                    }
                    case 9 -> first = 0x8A;
                    case 10 -> {
                        continue; // a pong: nothing to answer
                    }
                    default -> throw new IOException("opcode " + opcode);
                }
                unmask(buffer, payload, end);
                // The server's header ends where the payload begins: 2 bytes and the same extended length.
                int echo = start + 4;
                for (int i = extended - 1; i >= 0; i--) { // from the end: the two ranges overlap for 8 bytes
                    buffer.put(echo + 2 + i, buffer.get(start + 2 + i));
                }
                buffer.put(echo, (byte) first);
                buffer.put(echo + 1, (byte) (b1 & 0x7F));
                view(count++).clear().position(echo).limit(end);
            }
            if (count == 0) {
                return true;
            }
            writing = views;
            writeFrom = 0;
            writeTo = count;
            if (!flush()) {
                key.interestOps(SelectionKey.OP_WRITE);
                return false;
            }
            return written();
        }

        private ByteBuffer view(int i) {
            if (i == views.length) {
                int from = views.length;
                views = Arrays.copyOf(views, Math.max(8, 2 * from));
                for (int j = from; j < views.length; j++) {
                    views[j] = buffer.duplicate();
                }
            }
            return views[i];
        }

        /** Writes what {@link #writing} holds; false if the socket took only part of it. */
        private boolean flush() throws IOException {
            while (writeFrom < writeTo) {
                int n = Math.min(writeTo - writeFrom, MAX_GATHER);
                long offered = 0;
                for (int i = writeFrom; i < writeFrom + n; i++) {
                    offered += writing[i].remaining();
                }
                long wrote = channel.write(writing, writeFrom, n);
                while (writeFrom < writeTo && !writing[writeFrom].hasRemaining()) {
                    writeFrom++;
                }
                if (wrote < offered) {
                    return false; // the socket is full: OP_WRITE brings us back
                }
            }
            return true;
        }

        /** The write is done: false if the connection is closed now (it carried a close). */
        private boolean written() {
            writing = null;
            writeFrom = 0;
            writeTo = 0;
            return !closeWhenWritten || close();
        }

        /** Closes the connection; false, for its callers' "go on?". */
        private boolean close() {
            closeQuietly(channel);
            return false;
        }
    }
}
