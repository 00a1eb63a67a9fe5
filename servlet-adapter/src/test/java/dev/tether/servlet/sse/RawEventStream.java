package dev.tether.servlet.sse;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An event stream read over a raw socket, so that the test decides when the client reads (a small
 * receive window fills, and the server's socket stops being writable) and sees every byte the
 * server sent: the chunked body is decoded by hand and events are returned exactly as they came.
 * Every read has a timeout.
 */
final class RawEventStream implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private boolean headRead;
    private boolean chunked;
    private long chunkLeft;
    private boolean firstChunk = true;
    private boolean ended;

    private RawEventStream(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
    }

    /**
     * Sends {@code GET path} with {@code Accept: text/event-stream} and reads nothing yet. The
     * receive buffer is set before connecting, so the window stays that small.
     */
    static RawEventStream open(int port, String path, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setReceiveBufferSize(receiveBuffer);
            socket.setSoTimeout((int) SseClient.TIMEOUT.toMillis());
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new RawEventStream(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * The next event's bytes, from its first field line up to and including the blank line that
     * dispatches it, or null once the server has ended the stream; an unfinished event at the end
     * is no event (a browser discards it too).
     */
    byte[] nextEvent() throws IOException {
        readHead();
        ByteArrayOutputStream event = new ByteArrayOutputStream(256);
        int previous = '\n';
        for (int b; (b = readBody()) >= 0; previous = b) {
            event.write(b);
            if (b == '\n' && previous == '\n') return event.toByteArray();
        }
        return null;
    }

    private void readHead() throws IOException {
        if (headRead) return;
        headRead = true;
        String status = line();
        if (status == null || !status.startsWith("HTTP/1.1 200")) throw new IOException("not an event stream: " + status);
        for (String header; !(header = headLine()).isEmpty(); ) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
        }
    }

    private String headLine() throws IOException {
        String line = line();
        if (line == null) throw new EOFException("the connection ended inside the response head");
        return line;
    }

    /** One byte of the body, or -1 at its end (the last chunk, or the connection closed between chunks). */
    private int readBody() throws IOException {
        if (ended) return -1;
        if (!chunked) {
            int b = in.read();
            ended = b < 0;
            return b;
        }
        if (chunkLeft == 0) {
            if (!firstChunk) {
                String end = line();
                if (end != null && !end.isEmpty()) throw new IOException("a chunk is longer than its size said");
            }
            firstChunk = false;
            String size = line();
            if (size == null) {
                ended = true;
                return -1;
            }
            int extension = size.indexOf(';');
            chunkLeft = Long.parseLong((extension < 0 ? size : size.substring(0, extension)).trim(), 16);
            if (chunkLeft == 0) {
                ended = true;
                return -1;
            }
        }
        int b = in.read();
        if (b < 0) throw new EOFException("the connection ended inside a chunk");
        chunkLeft--;
        return b;
    }

    /** A CRLF-terminated line; null if the connection ended before it began. */
    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                if (line.length() == 0) return null;
                throw new EOFException("the connection ended inside a line: " + line);
            }
            if (b != '\r') line.append((char) b);
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
