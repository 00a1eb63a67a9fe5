package dev.tether.extension.deflate;

import dev.tether.api.CloseCodes;
import dev.tether.extension.ExtensionContext;
import dev.tether.extension.ExtensionHeader;
import dev.tether.message.Fragment;
import dev.tether.message.MemoryBudget;
import dev.tether.message.Message;
import dev.tether.message.MessageType;
import dev.tether.protocol.ProtocolException;
import dev.tether.protocol.Role;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;

import static dev.tether.extension.deflate.Sessions.MAX;
import static dev.tether.extension.deflate.Sessions.bytes;
import static dev.tether.extension.deflate.Sessions.hex;
import static dev.tether.extension.deflate.Sessions.inflate;
import static dev.tether.extension.deflate.Sessions.receive;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A session's sending and receiving: round trips, the threshold, bounded inflation, bad data. */
class DeflateSessionTest {
    private static final int[] SIZES = {0, 1, 5, 100, 1023, 1024, 1025, 5000, 16 * 1024, 16 * 1024 + 1, 70_000, 300_000};

    /** Text-like data that compresses, or random bytes that do not. */
    private static byte[] data(Random random, int size, boolean compressible) {
        byte[] bytes = new byte[size];
        if (compressible) {
            byte[] words = "alpha beta gamma delta {\"id\": 42, \"name\": \"tether\"} ".getBytes();
            for (int i = 0; i < size; i++) {
                bytes[i] = random.nextInt(20) == 0 ? (byte) random.nextInt(256) : words[(i * 7 + i / 13) % words.length];
            }
        } else {
            random.nextBytes(bytes);
        }
        return bytes;
    }

    /** Cuts {@code bytes} into random pieces (some empty). */
    private static List<byte[]> cut(Random random, byte[] bytes) {
        List<byte[]> parts = new ArrayList<>();
        int at = 0;
        do {
            int n = Math.min(bytes.length - at, random.nextInt(random.nextBoolean() ? 50 : 20_000));
            parts.add(Arrays.copyOfRange(bytes, at, at + n));
            at += n;
        } while (at < bytes.length);
        return parts;
    }

    private static Message message(byte[] bytes) {
        return new Message(MessageType.BINARY, 0, ByteBuffer.wrap(bytes));
    }

    /** Sends {@code data} through {@code sender} whole or in fragments; returns the wire fragments. */
    private static List<byte[]> send(DeflateSession sender, Random random, byte[] data, boolean inFragments) {
        List<byte[]> wire = new ArrayList<>();
        if (!inFragments) {
            Message sent = sender.processOutgoing(message(data));
            assertEquals(Message.RSV1, sent.rsv());
            wire.add(bytes(sent.payload()));
            return wire;
        }
        List<byte[]> parts = cut(random, data);
        for (int i = 0; i < parts.size(); i++) {
            ByteBuffer payload = ByteBuffer.wrap(parts.get(i));
            sender.processOutgoingFragment(new Fragment(MessageType.BINARY, 0, payload, i == 0, i == parts.size() - 1),
                    fragment -> {
                        assertEquals(Message.RSV1, fragment.rsv());
                        wire.add(bytes(fragment.payload()));
                    });
            assertEquals(0, payload.position(), "the caller's payload is read, not consumed");
        }
        return wire;
    }

    @ParameterizedTest(name = "server no takeover {0}, client no takeover {1}")
    @CsvSource({"false, false", "true, false", "false, true", "true, true"})
    void roundTripsMessagesOfManySizesBothWays(boolean serverNoTakeover, boolean clientNoTakeover) throws ProtocolException {
        PerMessageDeflate deflate = PerMessageDeflate.builder().threshold(0)
                .serverNoContextTakeover(serverNoTakeover).clientNoContextTakeover(clientNoTakeover).build();
        String offer = Sessions.header(deflate.createClientSession(new ExtensionContext(Role.CLIENT, MAX)).generateOffer());
        DeflateSession server = Sessions.server(deflate, offer, MAX);
        DeflateSession client = Sessions.client(deflate, Sessions.header(server.generateResponse()), MAX);
        Random random = new Random(7692);
        for (int round = 0; round < 3; round++) {
            for (int size : SIZES) {
                for (boolean compressible : new boolean[] {true, false}) {
                    for (boolean inFragments : new boolean[] {false, true}) {
                        byte[] data = data(random, size, compressible);
                        String what = size + " bytes, compressible " + compressible + ", in fragments " + inFragments;
                        assertArrayEquals(data, inflate(client, cut(random, concat(send(server, random, data, inFragments)))),
                                "server to client: " + what);
                        assertArrayEquals(data, inflate(server, send(client, random, data, inFragments)),
                                "client to server: " + what);
                    }
                }
            }
        }
        boolean keepsAContext = !serverNoTakeover || !clientNoTakeover; // without takeover both ends let go after each message
        assertEquals(keepsAContext, server.holdsContext());
        assertEquals(keepsAContext, client.holdsContext());
        server.close();
        client.close();
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    @Test
    void contextTakeoverMakesARepeatedMessageShorter() {
        byte[] data = data(new Random(1), 2000, true);
        DeflateSession takeover = Sessions.server(PerMessageDeflate.defaults(), "permessage-deflate", MAX);
        int first = takeover.processOutgoing(message(data)).payload().remaining();
        assertTrue(takeover.processOutgoing(message(data)).payload().remaining() < first / 4);

        DeflateSession noTakeover = Sessions.client(PerMessageDeflate.defaults(),
                "permessage-deflate; client_no_context_takeover", MAX);
        byte[] once = bytes(noTakeover.processOutgoing(message(data)).payload());
        assertArrayEquals(once, bytes(noTakeover.processOutgoing(message(data)).payload()),
                "client_no_context_takeover in the response: the client resets its compressor per message");
    }

    @Test
    @DisplayName("a client held to a smaller window compresses with Huffman coding only (no references back), which its peer inflates")
    void aClientHeldToASmallerWindowCompressesHuffmanOnly() throws ProtocolException {
        CountingZlib zlib = new CountingZlib();
        DeflateSession client = Sessions.client(PerMessageDeflate.builder().threshold(0).zlib(zlib).build(),
                "permessage-deflate; client_max_window_bits=10", MAX);
        DeflateSession server = Sessions.server(PerMessageDeflate.defaults(),
                "permessage-deflate; client_max_window_bits=10", MAX);
        byte[] repetitive = "the same words again and again, ".repeat(200).getBytes();
        Message sent = client.processOutgoing(message(repetitive));
        assertEquals(Message.RSV1, sent.rsv());
        // Huffman coding alone cannot fold the repeats (matching strings would): a proof no string was matched
        int huffman = sent.payload().remaining();
        assertTrue(huffman > repetitive.length / 4 && huffman < repetitive.length, "Huffman only: " + huffman);
        assertArrayEquals(repetitive, inflate(server, List.of(bytes(sent.payload()))));
        assertEquals("Hello", new String(inflate(client, List.of(hex("f2 48 cd c9 c9 07 00")))));
        client.close();
        server.close();
        zlib.assertAllEndedOnce();
    }

    @Test
    @DisplayName("a server asked for a smaller window answers it and compresses with Huffman coding only; at 15 bits it matches strings")
    void aServerHeldToASmallerWindowCompressesHuffmanOnly() {
        byte[] repetitive = "the same words again and again, ".repeat(200).getBytes();
        DeflateSession limited = Sessions.server(PerMessageDeflate.defaults(),
                "permessage-deflate; server_max_window_bits=9", MAX);
        assertEquals("permessage-deflate; server_max_window_bits=9", ExtensionHeader.serialize(List.of(limited.generateResponse())));
        assertTrue(limited.processOutgoing(message(repetitive)).payload().remaining() > repetitive.length / 4);
        DeflateSession full = Sessions.server(PerMessageDeflate.defaults(),
                "permessage-deflate; server_max_window_bits=15", MAX);
        assertTrue(full.processOutgoing(message(repetitive)).payload().remaining() < repetitive.length / 10);
        limited.close();
        full.close();
    }

    @Test
    void messagesBelowTheThresholdGoUncompressed() {
        DeflateSession session = Sessions.server(PerMessageDeflate.builder().threshold(100).build(), "permessage-deflate", MAX);
        Message small = message(new byte[99]);
        assertSame(small, session.processOutgoing(small));
        assertEquals(Message.RSV1, session.processOutgoing(message(new byte[100])).rsv());
    }

    @Test
    void messagesSaidToBeCompressedAlreadyGoAsTheyAre() {
        DeflateSession session = Sessions.server(PerMessageDeflate.builder().threshold(0).build(), "permessage-deflate", MAX);
        Message jpeg = new Message(MessageType.BINARY, 0, ByteBuffer.wrap(new byte[5000]), false);
        assertSame(jpeg, session.processOutgoing(jpeg));
        assertFalse(session.holdsContext(), "nothing was compressed: no Deflater");
    }

    @Test
    void messagesWithoutRsv1PassThrough() throws ProtocolException {
        DeflateSession session = Sessions.server(PerMessageDeflate.defaults(), "permessage-deflate", MAX);
        byte[] plain = hex("f2 48 cd c9 c9 07 00");
        assertArrayEquals(plain, receive(session, 0, List.of(plain)).message());
        Message message = message(plain);
        assertSame(message, session.processIncoming(message));
        assertFalse(session.holdsContext(), "nothing was inflated: no Inflater");
    }

    @Test
    void processIncomingInflatesAWholeMessage() throws ProtocolException {
        DeflateSession session = Sessions.server(PerMessageDeflate.defaults(), "permessage-deflate", MAX);
        Message inflated = session.processIncoming(new Message(MessageType.TEXT, Message.RSV1,
                ByteBuffer.wrap(hex("f2 48 cd c9 c9 07 00"))));
        assertEquals(0, inflated.rsv());
        assertEquals("Hello", new String(bytes(inflated.payload())));
    }

    /** About 1 KB that inflates to 1 MiB of zeros. */
    private static byte[] bomb() {
        Deflater deflater = new Deflater(9, true);
        deflater.setInput(new byte[1 << 20]);
        byte[] out = new byte[4096];
        int n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        deflater.end();
        return Arrays.copyOf(out, n - 4);
    }

    @Test
    @DisplayName("a whole message inflated on its own takes its buffer from the connections' budget, and gives it back")
    void processIncomingCountsAgainstTheBudget() throws ProtocolException {
        MemoryBudget budget = MemoryBudget.of(64 * 1024);
        DeflateSession session = (DeflateSession) PerMessageDeflate.defaults().createServerSession(
                ExtensionHeader.parse("permessage-deflate"), new ExtensionContext(Role.SERVER, MAX, budget));
        byte[] text = "x".repeat(20_000).getBytes();
        Deflater deflater = new Deflater(6, true);
        deflater.setInput(text);
        byte[] out = new byte[1024];
        int n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        deflater.end();
        Message compressed = new Message(MessageType.TEXT, Message.RSV1, ByteBuffer.wrap(Arrays.copyOf(out, n - 4)));
        assertEquals(20_000, session.processIncoming(compressed).payload().remaining());
        assertEquals(0, budget.reserved(), "given back with the message");

        assertTrue(budget.tryReserve(60 * 1024)); // what other connections hold
        ProtocolException refused = assertThrows(ProtocolException.class,
                () -> session.processIncoming(compressed.with(Message.RSV1, ByteBuffer.wrap(Arrays.copyOf(out, n - 4)))));
        assertEquals(CloseCodes.TRY_AGAIN_LATER, refused.closeCode());
        assertEquals(60 * 1024, budget.reserved());
        session.close();
    }

    @Test
    void aDecompressionBombFailsWith1009AfterAtMostTheLimit() {
        byte[] bomb = bomb();
        assertTrue(bomb.length < 1200, "a small frame: " + bomb.length);
        int limit = 64 * 1024;
        for (List<byte[]> parts : List.of(List.of(bomb), Sessions.splits(bomb).get(Sessions.splits(bomb).size() - 1))) {
            DeflateSession session = Sessions.server(PerMessageDeflate.defaults(), "permessage-deflate", limit);
            long[] passedOn = {0};
            long[] largest = {0};
            ProtocolException e = assertThrows(ProtocolException.class, () -> {
                for (int i = 0; i < parts.size(); i++) {
                    session.processIncomingFragment(new Fragment(MessageType.BINARY, Message.RSV1,
                            ByteBuffer.wrap(parts.get(i)), i == 0, i == parts.size() - 1), fragment -> {
                                passedOn[0] += fragment.payload().remaining();
                                largest[0] = Math.max(largest[0], fragment.payload().capacity());
                            });
                }
            });
            assertEquals(CloseCodes.MESSAGE_TOO_BIG, e.closeCode());
            assertEquals("inflated message exceeds the limit of 65536 bytes", e.getMessage());
            assertTrue(passedOn[0] <= limit, "passed on " + passedOn[0]);
            assertTrue(largest[0] <= Decompressor.CHUNK, "a chunk of " + largest[0]);
            session.close();
        }
    }

    @Test
    @DisplayName("a message sent as thousands of one-byte frames costs memory in proportion to what it inflates to, not a chunk per frame")
    void tinyFragmentsDoNotEachTakeAChunk() throws ProtocolException {
        byte[] data = data(new Random(11), 10_000, false);
        java.util.zip.Deflater stored = new java.util.zip.Deflater(java.util.zip.Deflater.NO_COMPRESSION, true);
        stored.setInput(data);
        byte[] compressed = new byte[data.length + 1024];
        int n = stored.deflate(compressed, 0, compressed.length, java.util.zip.Deflater.SYNC_FLUSH);
        stored.end();
        int length = n - 4; // without the 00 00 ff ff tail, as a sender strips it
        DeflateSession session = Sessions.server(PerMessageDeflate.defaults(), "permessage-deflate", MAX);
        long[] capacities = {0};
        java.io.ByteArrayOutputStream inflated = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < length; i++) {
            session.processIncomingFragment(new Fragment(MessageType.BINARY, Message.RSV1, // the message's RSV1, on each of its fragments
                    ByteBuffer.wrap(compressed, i, 1), i == 0, i == length - 1), fragment -> {
                        capacities[0] += fragment.payload().capacity();
                        byte[] bytes = new byte[fragment.payload().remaining()];
                        fragment.payload().get(bytes);
                        inflated.writeBytes(bytes);
                    });
        }
        byte[] got = inflated.toByteArray();
        int at = 0;
        while (at < Math.min(got.length, data.length) && got[at] == data[at]) at++;
        assertArrayEquals(data, got, "first difference at " + at + " of " + got.length);
        assertTrue(capacities[0] <= 2L * data.length + Decompressor.CHUNK,
                "buffers of " + capacities[0] + " bytes passed on for " + data.length + " bytes");
        session.close();
    }

    @Test
    @DisplayName("a compressed message holds an array the size of what it compressed to, not of the message (it may wait in a queue)")
    void compressedOutputIsNotOversized() {
        byte[] data = data(new Random(5), 1 << 20, true);
        DeflateSession sender = Sessions.client(PerMessageDeflate.defaults(), "permessage-deflate", MAX);
        Message sent = sender.processOutgoing(new Message(MessageType.BINARY, 0, ByteBuffer.wrap(data)));
        assertEquals(Message.RSV1, sent.rsv());
        assertTrue(sent.payload().remaining() < data.length / 4, "compressible: " + sent.payload().remaining());
        assertTrue(sent.payload().capacity() <= 2 * sent.payload().remaining() + 4096,
                "an array of " + sent.payload().capacity() + " bytes for " + sent.payload().remaining());
        sender.close();
    }

    @Test
    void aMessageOfExactlyTheLimitIsAccepted() throws ProtocolException {
        int limit = 40_000;
        byte[] data = data(new Random(3), limit, true);
        DeflateSession sender = Sessions.client(PerMessageDeflate.defaults(), "permessage-deflate", MAX);
        DeflateSession receiver = Sessions.server(PerMessageDeflate.defaults(), "permessage-deflate", limit);
        assertArrayEquals(data, inflate(receiver, List.of(bytes(sender.processOutgoing(message(data)).payload()))));
        byte[] over = data(new Random(3), limit + 1, true);
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> inflate(receiver, List.of(bytes(sender.processOutgoing(message(over)).payload()))));
        assertEquals(CloseCodes.MESSAGE_TOO_BIG, e.closeCode());
    }

    @Test
    void invalidDeflateDataFailsWith1007() {
        DeflateSession session = Sessions.server(PerMessageDeflate.defaults(), "permessage-deflate", MAX);
        ProtocolException e = assertThrows(ProtocolException.class, () -> inflate(session, List.of(hex("ff ff ff ff"))));
        assertEquals(CloseCodes.INVALID_PAYLOAD, e.closeCode());
        assertTrue(e.getMessage().startsWith("permessage-deflate: invalid compressed data: "), e.getMessage());
    }

    @Test
    void aMiddleFragmentWithNothingToSendIsLeftOut() {
        DeflateSession session = Sessions.server(PerMessageDeflate.defaults(), "permessage-deflate", MAX);
        List<Fragment> wire = new ArrayList<>();
        session.processOutgoingFragment(new Fragment(MessageType.TEXT, 0, ByteBuffer.wrap("Hel".getBytes()), true, false), wire::add);
        session.processOutgoingFragment(new Fragment(MessageType.TEXT, 0, ByteBuffer.allocate(0), false, false), wire::add);
        session.processOutgoingFragment(new Fragment(MessageType.TEXT, 0, ByteBuffer.allocate(0), false, true), wire::add);
        assertEquals(2, wire.size());
        assertTrue(wire.get(0).first() && wire.get(1).last());
        assertEquals("00", hex(bytes(wire.get(1).payload())), "the last part ends the flushed stream with an empty block");
        assertNotEquals(0, wire.get(0).payload().remaining());
    }
}
