package dev.tether.servlet.io;

import dev.tether.runtime.Transport;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The inbound pump against a non-blocking stream whose chunks the test controls. */
class InboundPumpTest {

    /** A container's non-blocking input: a queue of chunks, then optionally EOF. */
    static class FakeInput extends ServletInputStream {
        final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
        boolean eof;
        int isReadyCalls;
        ReadListener listener;

        @Override
        public boolean isFinished() {
            return eof && chunks.isEmpty();
        }

        @Override
        public boolean isReady() {
            isReadyCalls++;
            return !chunks.isEmpty() || eof;
        }

        @Override
        public void setReadListener(ReadListener readListener) {
            this.listener = readListener;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            byte[] chunk = chunks.poll();
            if (chunk == null) {
                if (eof) {
                    return -1;
                }
                throw new IllegalStateException("read while not ready");
            }
            System.arraycopy(chunk, 0, b, off, chunk.length);
            return chunk.length;
        }
    }

    private final List<String> seen = new ArrayList<>();
    private boolean wanted = true;
    private final Transport.Inbound recording = new Transport.Inbound() {
        @Override
        public boolean wantsInput() {
            return wanted;
        }

        @Override
        public void onInput(ByteBuffer bytes) {
            seen.add("bytes:" + bytes.remaining());
        }

        @Override
        public void onEndOfInput() {
            seen.add("end");
        }

        @Override
        public void onFailure(Throwable error) {
            seen.add("failed:" + error.getMessage());
        }
    };
    private final InboundPump pump = new InboundPump(recording, 1024, Integer.MAX_VALUE);

    @Test
    @DisplayName("reads every available chunk, then EOF once")
    void readsUntilEof() throws IOException {
        FakeInput in = new FakeInput();
        in.chunks.add(new byte[3]);
        in.chunks.add(new byte[5]);
        in.eof = true;
        pump.start(in);
        in.listener.onDataAvailable();
        in.listener.onAllDataRead();
        assertEquals(List.of("bytes:3", "bytes:5", "end"), seen);
    }

    @Test
    @DisplayName("no read and no readiness check while input is not wanted; pump() picks up again")
    void demandDriven() throws IOException {
        FakeInput in = new FakeInput();
        in.chunks.add(new byte[1]);
        pump.start(in);
        wanted = false;
        in.listener.onDataAvailable();
        assertEquals(List.of(), seen);
        assertEquals(0, in.isReadyCalls, "not asking means the container is not asked for more either");
        wanted = true;
        pump.pump();
        assertEquals(List.of("bytes:1"), seen);
    }

    @Test
    @DisplayName("a pump() from inside consume does not read re-entrantly; the outer loop goes on")
    void noReentrantReads() throws IOException {
        List<Integer> depth = new ArrayList<>();
        int[] current = {0};
        FakeInput in = new FakeInput();
        in.chunks.add(new byte[1]);
        in.chunks.add(new byte[2]);
        InboundPump[] self = new InboundPump[1];
        self[0] = new InboundPump(new Transport.Inbound() {
            @Override
            public boolean wantsInput() {
                return true;
            }

            @Override
            public void onInput(ByteBuffer bytes) {
                current[0]++;
                depth.add(current[0]);
                self[0].pump();
                current[0]--;
            }

            @Override
            public void onEndOfInput() {
            }

            @Override
            public void onFailure(Throwable error) {
            }
        }, 64, Integer.MAX_VALUE);
        self[0].start(in);
        in.listener.onDataAvailable();
        assertEquals(List.of(1, 1), depth);
    }

    @Test
    @DisplayName("the pumping thread yields once each turn has read readTurnBytes, finishing the read that passes it")
    void yieldsAfterEachTurnsBytes() throws IOException {
        InboundPump yielding = new InboundPump(recording, 1024, 4, () -> seen.add("yield"));
        FakeInput in = new FakeInput();
        in.chunks.add(new byte[1]);
        in.chunks.add(new byte[0]); // read nothing: not counted
        in.chunks.add(new byte[2]);
        in.chunks.add(new byte[1]); // 4 bytes: the turn is over
        in.chunks.add(new byte[5]); // more than a turn at once: read whole, then a yield
        in.chunks.add(new byte[1]);
        yielding.start(in);
        in.listener.onDataAvailable();
        assertEquals(List.of("bytes:1", "bytes:2", "bytes:1", "yield", "bytes:5", "yield", "bytes:1"), seen);
    }

    @Test
    @DisplayName("an Error out of the connection (a listener's StackOverflowError, say) fails the input, then reaches the container")
    void anErrorFailsTheInputAndFreesThePump() throws IOException {
        InboundPump failing = new InboundPump(new Transport.Inbound() {
            @Override
            public boolean wantsInput() {
                return true;
            }

            @Override
            public void onInput(ByteBuffer bytes) {
                throw new StackOverflowError("deep (expected in this test)");
            }

            @Override
            public void onEndOfInput() {
                seen.add("end");
            }

            @Override
            public void onFailure(Throwable error) {
                seen.add("failed:" + error.getMessage());
            }
        }, 1024, Integer.MAX_VALUE);
        FakeInput in = new FakeInput();
        in.chunks.add(new byte[1]);
        failing.start(in);
        assertThrows(StackOverflowError.class, in.listener::onDataAvailable, "a VirtualMachineError still reaches the container");
        assertEquals(List.of("failed:deep (expected in this test)"), seen);
    }

    @Test
    @DisplayName("a read error is reported once")
    void readError() throws IOException {
        FakeInput in = new FakeInput() {
            @Override
            public int read(byte[] b, int off, int len) {
                throw new IllegalStateException("reset");
            }
        };
        in.chunks.add(new byte[1]);
        pump.start(in);
        in.listener.onDataAvailable();
        in.listener.onError(new IOException("again"));
        assertEquals(List.of("failed:reset"), seen);
        assertTrue(in.isReadyCalls > 0);
    }

    @Test
    @DisplayName("an EOFException reported from inside isReady() (Tomcat, on the peer's FIN) is the end of input, not a failure")
    void eofReportedByIsReadyEndsTheInput() throws IOException {
        FakeInput in = new FakeInput() {
            @Override
            public boolean isReady() {
                isReadyCalls++;
                if (!chunks.isEmpty()) {
                    return true;
                }
                // Tomcat's UpgradeServletInputStream: the socket read saw -1, its EOFException goes to onError
                listener.onError(new EOFException());
                return false;
            }
        };
        in.chunks.add(new byte[3]);
        pump.start(in);
        in.listener.onDataAvailable();
        assertEquals(List.of("bytes:3", "end"), seen);
    }

    @Test
    @DisplayName("an EOFException thrown by read() is the end of input, not a failure")
    void eofThrownByReadEndsTheInput() throws IOException {
        FakeInput in = new FakeInput() {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (chunks.isEmpty()) {
                    throw new EOFException(); // where another container would return -1
                }
                return super.read(b, off, len);
            }
        };
        in.chunks.add(new byte[3]);
        in.eof = true;
        pump.start(in);
        in.listener.onDataAvailable();
        assertEquals(List.of("bytes:3", "end"), seen);
    }

    @Test
    @DisplayName("the container's onError(EOFException) then onAllDataRead end the input once")
    void eofReportedByTheContainerEndsTheInputOnce() throws IOException {
        FakeInput in = new FakeInput();
        in.chunks.add(new byte[1]);
        pump.start(in);
        in.listener.onDataAvailable();
        // Tomcat's dispatch when the FIN comes after the data was read
        in.listener.onError(new EOFException());
        in.listener.onAllDataRead();
        assertEquals(List.of("bytes:1", "end"), seen);
    }

    @Test
    @DisplayName("an end the container reports while bytes it read ahead are unread comes after those bytes")
    void anEndReportedAheadOfUnreadBytesComesAfterThem() throws IOException {
        FakeInput in = new FakeInput() {
            @Override
            public boolean isReady() {
                isReadyCalls++;
                return !chunks.isEmpty(); // Tomcat: its read-ahead buffer, then not ready
            }
        };
        pump.start(in);
        wanted = false; // paused
        in.chunks.add(new byte[11]); // the peer's Close, read ahead by the container
        in.listener.onDataAvailable();
        in.listener.onError(new EOFException()); // its dispatch then met the FIN
        assertEquals(List.of(), seen, "nothing while paused, not even the end");
        wanted = true;
        pump.pump();
        assertEquals(List.of("bytes:11", "end"), seen);
    }

    @Test
    @DisplayName("a stream that is not ready because it is finished ends the input")
    void aFinishedStreamEndsTheInput() throws IOException {
        FakeInput in = new FakeInput() {
            @Override
            public boolean isReady() {
                isReadyCalls++;
                return !chunks.isEmpty();
            }
        };
        in.chunks.add(new byte[2]);
        in.eof = true;
        pump.start(in);
        in.listener.onDataAvailable();
        assertEquals(List.of("bytes:2", "end"), seen);
    }

    @Test
    @DisplayName("any other IOException, such as a reset, is still a read failure")
    void aResetIsAFailure() throws IOException {
        FakeInput in = new FakeInput() {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                throw new IOException("Connection reset");
            }
        };
        in.chunks.add(new byte[1]);
        pump.start(in);
        in.listener.onDataAvailable();
        assertEquals(List.of("failed:Connection reset"), seen);
    }

    /** A socket's input holding {@code available} bytes: each read returns as many as asked, up to what is left. */
    static final class StreamInput extends FakeInput {
        long available;

        StreamInput(long available) {
            this.available = available;
        }

        @Override
        public boolean isReady() {
            isReadyCalls++;
            return available > 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = (int) Math.min(len, available);
            available -= n;
            return n;
        }
    }

    private interface Body {
        void run() throws IOException;
    }

    /** Runs {@code body} on a new thread, so that no read buffer is left from another test, and returns the size its thread ends up holding. */
    private static int bufferHeldAfter(Body body) throws InterruptedException {
        int[] held = {-1};
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            held[0] = InboundPump.bufferHeldByThisThread();
        });
        thread.start();
        thread.join(10_000);
        return held[0];
    }

    @Test
    @DisplayName("a thread's read buffer starts at 4 KiB and doubles each time a read fills it, up to the buffer size")
    void readBufferGrowsWithTheReads() throws InterruptedException {
        InboundPump bulk = new InboundPump(recording, 20 * 1024, Integer.MAX_VALUE);
        StreamInput in = new StreamInput(100 * 1024);
        int held = bufferHeldAfter(() -> {
            bulk.start(in);
            in.listener.onDataAvailable();
        });
        assertEquals(List.of("bytes:4096", "bytes:8192", "bytes:16384", "bytes:20480", "bytes:20480", "bytes:20480",
                "bytes:12288"), seen);
        assertEquals(20 * 1024, held);
    }

    @Test
    @DisplayName("a thread that only meets small reads keeps the small buffer")
    void smallReadsKeepASmallBuffer() throws InterruptedException {
        InboundPump small = new InboundPump(recording, 64 * 1024, Integer.MAX_VALUE);
        FakeInput in = new FakeInput();
        for (int i = 0; i < 50; i++) {
            in.chunks.add(new byte[100]);
        }
        int held = bufferHeldAfter(() -> {
            small.start(in);
            in.listener.onDataAvailable();
        });
        assertEquals(50, seen.size());
        assertEquals(InboundPump.FIRST_BUFFER, held);
    }

    @Test
    @DisplayName("a connection the container reports with nothing to read takes no buffer (idle connections on many threads)")
    void nothingToReadTakesNoBuffer() throws InterruptedException {
        FakeInput in = new FakeInput();
        int held = bufferHeldAfter(() -> {
            pump.start(in);
            in.listener.onDataAvailable();
        });
        assertEquals(1, in.isReadyCalls);
        assertEquals(0, held);
    }

    @Test
    @DisplayName("a thread's buffer grown for one connection reads no more than another connection's buffer size")
    void aBiggerThreadBufferIsReadOnlyUpToThisConnectionsSize() throws InterruptedException {
        InboundPump bulk = new InboundPump(recording, 16 * 1024, Integer.MAX_VALUE);
        InboundPump small = new InboundPump(recording, 1000, Integer.MAX_VALUE);
        StreamInput bulkIn = new StreamInput(28 * 1024);
        StreamInput smallIn = new StreamInput(2500);
        int held = bufferHeldAfter(() -> {
            bulk.start(bulkIn);
            bulkIn.listener.onDataAvailable();
            seen.clear();
            small.start(smallIn);
            smallIn.listener.onDataAvailable();
        });
        assertEquals(List.of("bytes:1000", "bytes:1000", "bytes:500"), seen);
        assertEquals(16 * 1024, held, "the bigger buffer is kept for the thread");
    }

    @Test
    @DisplayName("a buffer smaller than 4 KiB is used as configured")
    void aSmallConfiguredBufferIsNotExceeded() throws InterruptedException {
        InboundPump tiny = new InboundPump(recording, 1000, Integer.MAX_VALUE);
        StreamInput in = new StreamInput(2500);
        int held = bufferHeldAfter(() -> {
            tiny.start(in);
            in.listener.onDataAvailable();
        });
        assertEquals(List.of("bytes:1000", "bytes:1000", "bytes:500"), seen);
        assertEquals(1000, held);
    }
}
