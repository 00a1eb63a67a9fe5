package dev.tether.servlet.endpoint;

import dev.tether.api.CloseCodes;
import dev.tether.driver.DriverOptions;
import dev.tether.servlet.endpoint.TestEndpoints.BufferParts;
import dev.tether.servlet.endpoint.TestEndpoints.ByteParts;
import dev.tether.servlet.endpoint.TestEndpoints.LargeMessages;
import dev.tether.servlet.endpoint.TestEndpoints.Parts;
import dev.tether.servlet.endpoint.TestEndpoints.SlowReader;
import dev.tether.servlet.endpoint.TestEndpoints.StreamEnds;
import dev.tether.servlet.endpoint.TestEndpoints.Streams;
import dev.tether.servlet.endpoint.TestEndpoints.Whole;
import dev.tether.servlet.testing.Container;
import dev.tether.servlet.testing.RawWebSocketClient;
import dev.tether.servlet.testing.RawWebSocketClient.Frame;
import dev.tether.servlet.testing.RunningServer;
import dev.tether.servlet.upgrade.ContainerUpgrade;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The partial forms of {@code @OnMessage} receive each part as it arrives, and {@code Reader} and
 * {@code InputStream} read the message as a stream while it arrives, on each container, with raw
 * clients that send exactly the frames a test asks for.
 */
class PartialAndStreamedMessagesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int TEXT = 0x1;
    private static final int BINARY = 0x2;
    private static final int FIN = 0x80;

    @BeforeEach
    void clear() {
        Recorder.EVENTS.clear();
        SlowReader.reset();
    }

    private static RunningServer start(Container container) throws Exception {
        EndpointServlet servlet = new EndpointServlet(Parts.class, ByteParts.class, BufferParts.class, Streams.class,
                Whole.class, SlowReader.class, StreamEnds.class);
        return container.start(r -> r.addServlet("/*", servlet));
    }

    /**
     * For the tests whose stream method holds the peer back: on Tomcat, over the servlet streams,
     * the reading it resumes from its own thread races the dispatch Tomcat started meanwhile
     * (README: Containers). The build's portable execution leaves this class out; a {@code -Dtest}
     * that names it overrides that execution's includes and would bring it there.
     */
    private static void assumeNotThePortableRouteOnTomcat(Container container) {
        assumeFalse(container == Container.TOMCAT && Boolean.getBoolean(ContainerUpgrade.PORTABLE_ON_TOMCAT),
                "the portable route on Tomcat cannot resume reading from another thread (README: Containers)");
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aTextPartHandlerGetsEachFrameAsItArrivesInWholeCharacters(Container container) throws Exception {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        byte[] clef = "𝄞".getBytes(StandardCharsets.UTF_8);
        try (RunningServer running = start(container);
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/parts"))) {
            assertTrue(client.accepted());
            // One message in three frames, the first two cutting "€" in two: its bytes come with the second part.
            client.sendFrame(TEXT, concat(utf8("a"), Arrays.copyOfRange(euro, 0, 2)), true);
            assertEquals("a:false", nextText(client), "the first part is answered before the next frame is sent");
            client.sendFrame(0, concat(Arrays.copyOfRange(euro, 2, 3), utf8("b")), true);
            assertEquals("€b:false", nextText(client));
            client.sendFrame(FIN, utf8("c"), true);
            assertEquals("c:true", nextText(client));
            // A frame that holds only part of a character is an empty part.
            client.sendFrame(TEXT, Arrays.copyOfRange(clef, 0, 1), true);
            client.sendFrame(0, Arrays.copyOfRange(clef, 1, 3), true);
            client.sendFrame(FIN, Arrays.copyOfRange(clef, 3, 4), true);
            assertEquals(":false", nextText(client));
            assertEquals(":false", nextText(client));
            assertEquals("𝄞:true", nextText(client));
            client.sendFrame(FIN | TEXT, utf8("whole"), true);
            assertEquals("whole:true", nextText(client), "a message in one frame is one last part");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void binaryPartHandlersGetEachFrameAsItArrivesAsByteArrayOrBuffer(Container container) throws Exception {
        try (RunningServer running = start(container);
             RawWebSocketClient bytes = RawWebSocketClient.connect(running.wsUri("/parts/bytes"));
             RawWebSocketClient buffers = RawWebSocketClient.connect(running.wsUri("/parts/buffer"))) {
            for (RawWebSocketClient client : List.of(bytes, buffers)) {
                byte[] first = {1, 2, 3};
                byte[] third = {4, 5, 6, 7, 8};
                client.sendFrame(BINARY, first, true);
                assertArrayEquals(tagged(false, first), nextBinary(client), "answered before the next frame is sent");
                client.sendFrame(0, new byte[0], true);
                assertArrayEquals(tagged(false, new byte[0]), nextBinary(client), "an empty frame is an empty part");
                client.sendFrame(FIN, third, true);
                assertArrayEquals(tagged(true, third), nextBinary(client));
                // A frame larger than the fragment size comes in pieces of that size.
                byte[] large = random(DriverOptions.DEFAULT_FRAGMENT_SIZE + 1000, 1);
                client.sendFrame(FIN | BINARY, large, true);
                assertArrayEquals(tagged(false, Arrays.copyOf(large, DriverOptions.DEFAULT_FRAGMENT_SIZE)), nextBinary(client));
                assertArrayEquals(tagged(true, Arrays.copyOfRange(large, DriverOptions.DEFAULT_FRAGMENT_SIZE, large.length)),
                        nextBinary(client));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void anInputStreamReadsAMessageLargerThanAWholeMessageMayBe(Container container) throws Exception {
        assumeNotThePortableRouteOnTomcat(container);
        byte[] message = random(8 << 20, 2);
        assertTrue(message.length > LargeMessages.MESSAGE_MEMORY * 4);
        try (RunningServer running = start(container);
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/streams"))) {
            sendInFragments(client, BINARY, message, 64 << 10);
            assertEquals(sha256(message) + " " + message.length, nextText(client));
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void theSameOptionsRefuseAMessageTakenWholePastTheirMemoryBudget(Container container) throws Exception {
        int budget = (int) LargeMessages.MESSAGE_MEMORY;
        try (RunningServer running = start(container);
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/whole"))) {
            // One byte past the budget, in a last frame of its own: the server has read all that was sent when it refuses.
            sendInFragments(client, BINARY, random(budget, 4), 64 << 10, false);
            client.sendFrame(FIN, new byte[1], true);
            assertEquals(CloseCodes.MESSAGE_TOO_BIG, client.readCloseFrame(TIMEOUT).code());
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aReaderReadsCharactersThatFragmentsCutInTwo(Container container) throws Exception {
        assumeNotThePortableRouteOnTomcat(container);
        String text = "aé€𝄞".repeat(40_000); // 1, 2, 3 and 4 bytes: 400,000 bytes, more than the stream buffer
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        int fragment = 4093;
        int cut = 0;
        for (int at = fragment; at < utf8.length; at += fragment) {
            cut += (utf8[at] & 0xC0) == 0x80 ? 1 : 0; // a continuation byte begins the fragment
        }
        assertTrue(cut > 10, "fragments cut characters: " + cut);
        try (RunningServer running = start(container);
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/streams"))) {
            sendInFragments(client, TEXT, utf8, fragment);
            assertEquals(sha256(utf8) + " " + text.length(), nextText(client));
            client.sendFrame(FIN | TEXT, utf8("é"), true);
            assertEquals(sha256(utf8("é")) + " 1", nextText(client), "the next message is a stream of its own");
        }
    }

    /**
     * While the stream method reads nothing, the server reads from the peer only until the stream
     * holds {@code streamBufferSize} bytes (plus what one read and the frame being read bring), so
     * the client's writes back up; then the method reads the whole message at its own pace, its
     * stream never holding more than that. Nothing is timed: the client writes without blocking, and
     * when a write takes nothing, looks at the stream (full: held back) or waits for the socket to
     * take more (the server still catching up).
     */
    @ParameterizedTest
    @EnumSource(Container.class)
    void theServerStopsReadingWhileTheStreamMethodDoesNot(Container container) throws Exception {
        assumeNotThePortableRouteOnTomcat(container);
        int fragment = 8 << 10;
        long bound = LargeMessages.STREAM_BUFFER + LargeMessages.READ_BUFFER + fragment;
        byte[] message = random(16 << 20, 3);
        List<ByteBuffer> frames = new ArrayList<>();
        for (int at = 0; at < message.length; at += fragment) {
            int b0 = (at == 0 ? BINARY : 0) | (at + fragment >= message.length ? FIN : 0);
            frames.add(ChannelClient.frame(b0, message, at, Math.min(fragment, message.length - at)));
        }
        try (RunningServer running = start(container);
             ChannelClient client = ChannelClient.connect(running.wsUri("/slow"), 64 << 10, TIMEOUT)) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            long written = 0;
            boolean heldBack = false;
            writing:
            for (ByteBuffer frame : frames) {
                while (frame.hasRemaining()) {
                    int n = client.writeSome(frame);
                    written += n;
                    if (n == 0 && heldBack(client, deadline)) {
                        heldBack = true; // the server has stopped reading: its stream holds what it may
                        break writing;
                    }
                }
            }
            assertTrue(heldBack, "the client wrote all " + written + " bytes while the method read none");
            InputStream input = SlowReader.INPUT.get();
            assertTrue(input.available() <= bound, input.available() + " bytes held, more than " + bound);
            assertTrue(written < message.length / 4, "the client backed up after " + written + " bytes");

            SlowReader.release.countDown();
            for (ByteBuffer frame : frames) {
                client.writeAll(frame, TIMEOUT); // the rest, at the pace the method reads
            }
            String[] answer = client.readFrame(TIMEOUT).text().split(" ");
            assertEquals(sha256(message), answer[0]);
            assertEquals(message.length, Long.parseLong(answer[1]));
            long most = Long.parseLong(answer[2]);
            assertTrue(most >= LargeMessages.STREAM_BUFFER && most <= bound,
                    "the stream held at most " + most + " bytes before a read, within " + bound);
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aConnectionThatEndsMidMessageFailsTheReadWithoutAnEndpointError(Container container) throws Exception {
        try (RunningServer running = start(container);
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ends"))) {
            // The method's own IOException goes to @OnError, and the connection stays open.
            client.sendFrame(FIN | TEXT, utf8("bad"), true);
            assertEquals("error:bad upload", Recorder.await("error:"));
            client.sendFrame(FIN | TEXT, utf8("good"), true);
            assertEquals("ok good", nextText(client));
            // A Close in the middle of a streamed message: the read fails, @OnClose follows, no @OnError.
            client.sendFrame(BINARY, new byte[1000], true);
            assertEquals("stream:started", Recorder.await("stream:"));
            client.sendFrame(FIN | 0x8, new byte[]{0x03, (byte) 0xE8}, true);
            assertEquals(CloseCodes.NORMAL, client.readCloseFrame(TIMEOUT).code());
            List<String> events = Recorder.until("close:");
            assertEquals(List.of("stream:failed:the connection is closing before the message ended", "close:1000"), events);
            assertFalse(events.stream().anyMatch(e -> e.startsWith("error:")));
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aStreamThatFailsOtherwiseIsAnErrorThatClosesTheConnection(Container container) throws Exception {
        try (RunningServer running = start(container);
             RawWebSocketClient client = RawWebSocketClient.connect(running.wsUri("/ends"))) {
            client.sendFrame(FIN | TEXT, utf8("read after close"), true);
            assertEquals("error:the message stream is closed", Recorder.await("error:"));
            assertEquals(CloseCodes.INTERNAL_ERROR, client.readCloseFrame(TIMEOUT).code());
        }
    }

    /**
     * The socket's buffers are full: true once the server's stream is full (it holds the client
     * back), false once the socket takes bytes again (the server was still catching up). Neither can
     * be waited for together with the other, so each wait for the socket is cut short to look at the
     * stream again.
     */
    private static boolean heldBack(ChannelClient client, long deadline) throws Exception {
        assertTrue(SlowReader.started.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), "the stream method was called");
        InputStream input = SlowReader.INPUT.get();
        while (input.available() < LargeMessages.STREAM_BUFFER) {
            if (client.awaitWritable(Duration.ofMillis(10))) {
                return false;
            }
            assertTrue(System.nanoTime() < deadline, "the server stopped reading with " + input.available()
                    + " bytes in the stream, less than its buffer size");
        }
        return true;
    }

    private static void sendInFragments(RawWebSocketClient client, int opcode, byte[] message, int fragment)
            throws Exception {
        sendInFragments(client, opcode, message, fragment, true);
    }

    /** Sends {@code message} in frames of {@code fragment} bytes; {@code ends}: the last one ends the message. */
    private static void sendInFragments(RawWebSocketClient client, int opcode, byte[] message, int fragment, boolean ends)
            throws Exception {
        for (int at = 0; at < message.length; at += fragment) {
            int b0 = (at == 0 ? opcode : 0) | (ends && at + fragment >= message.length ? FIN : 0);
            client.sendFrame(b0, Arrays.copyOfRange(message, at, Math.min(message.length, at + fragment)), true);
        }
    }

    /** The next message, text, in one frame (as the short answers here are); a close frame is described. */
    private static String nextText(RawWebSocketClient client) throws Exception {
        Frame frame = client.readFrame(TIMEOUT);
        assertEquals(TEXT, frame.opcode(), () -> "a text message, not " + describe(frame));
        assertTrue(frame.fin());
        return frame.text();
    }

    /** The next message, binary; the server may send one larger than its frame size in several frames. */
    private static byte[] nextBinary(RawWebSocketClient client) throws Exception {
        Frame message = client.readMessage(TIMEOUT);
        assertEquals(BINARY, message.opcode(), () -> "a binary message, not " + describe(message));
        return message.payload();
    }

    private static String describe(Frame frame) {
        byte[] p = frame.payload();
        if (frame.opcode() == 0x8 && p.length >= 2) {
            return "a close frame: " + (((p[0] & 0xFF) << 8) | (p[1] & 0xFF)) + " " + new String(p, 2, p.length - 2, StandardCharsets.UTF_8);
        }
        return "opcode " + frame.opcode() + ", " + p.length + " bytes";
    }

    private static byte[] tagged(boolean last, byte[] part) {
        ByteArrayOutputStream tagged = new ByteArrayOutputStream();
        tagged.write(last ? 1 : 0);
        tagged.writeBytes(part);
        return tagged.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(TestEndpoints.sha256().digest(bytes));
    }
}
