package dev.tether.servlet.upgrade;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;

/**
 * Echoes every byte back with non-blocking I/O and back-pressure (reads only while the output is
 * ready), and closes the connection when the input ends or fails. Reports to {@link #events}.
 */
public final class EchoHandler implements HttpUpgradeHandler {
    volatile UpgradeEvents events;

    public EchoHandler() {
        // created by ContainerUpgrade (or the container) through this constructor
    }

    @Override
    public void init(WebConnection connection) {
        events.record("init " + connection.getClass().getName());
        try {
            Pump pump = new Pump(connection, connection.getInputStream(), connection.getOutputStream());
            connection.getOutputStream().setWriteListener(pump);
            connection.getInputStream().setReadListener(pump);
        } catch (IOException e) {
            events.record("init failed " + e);
        }
        events.initialised.countDown();
    }

    @Override
    public void destroy() {
        events.record("destroy");
        events.destroyed.countDown();
    }

    private final class Pump implements ReadListener, WriteListener {
        private final WebConnection connection;
        private final ServletInputStream in;
        private final ServletOutputStream out;
        private final byte[] buffer = new byte[64 * 1024];
        private boolean inputEnded;
        private boolean sawEof;
        private boolean unflushed;
        private boolean closed;

        Pump(WebConnection connection, ServletInputStream in, ServletOutputStream out) {
            this.connection = connection;
            this.in = in;
            this.out = out;
        }

        @Override
        public synchronized void onDataAvailable() throws IOException {
            pump();
        }

        @Override
        public synchronized void onWritePossible() throws IOException {
            pump();
        }

        /**
         * Moves bytes while both sides are ready; whichever is not ready calls back when it is. Flushes
         * when the input runs dry: a container may buffer writes (Tomcat does) until a flush.
         */
        private void pump() throws IOException {
            while (!closed && out.isReady()) {
                if (!sawEof && in.isReady()) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        sawEof = true; // onAllDataRead follows
                    } else {
                        events.largestRead.accumulateAndGet(n, Math::max);
                        out.write(buffer, 0, n);
                        unflushed |= n > 0;
                    }
                } else if (unflushed) {
                    unflushed = false;
                    out.flush();
                } else {
                    if (inputEnded) close(); // everything read has been written
                    return;
                }
            }
        }

        @Override
        public synchronized void onAllDataRead() throws IOException {
            events.record("onAllDataRead");
            inputEnded = true;
            sawEof = true;
            pump();
        }

        @Override
        public synchronized void onError(Throwable t) {
            events.record("onError " + t);
            close();
        }

        private void close() {
            if (closed) return;
            closed = true;
            try {
                connection.close();
            } catch (Exception e) {
                events.record("close failed " + e);
            }
        }
    }
}
