package dev.tether.extension.deflate;

import dev.tether.extension.ExtensionContext;
import dev.tether.extension.ExtensionHeader;
import dev.tether.extension.ExtensionParams;
import dev.tether.message.Fragment;
import dev.tether.message.Message;
import dev.tether.message.MessageType;
import dev.tether.protocol.ProtocolException;
import dev.tether.protocol.Role;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Test helpers: sessions agreed on, and messages run through them fragment by fragment. */
final class Sessions {
    static final int MAX = 1 << 20;

    private Sessions() {
    }

    /** A server session agreed on from {@code offer} (a header value); fails if it was declined. */
    static DeflateSession server(PerMessageDeflate deflate, String offer, int maxLength) {
        DeflateSession session = (DeflateSession) deflate.createServerSession(ExtensionHeader.parse(offer),
                new ExtensionContext(Role.SERVER, maxLength));
        if (session == null) {
            throw new AssertionError("declined: " + offer);
        }
        return session;
    }

    /** A client session activated with {@code response} (a header value); fails if refused. */
    static DeflateSession client(PerMessageDeflate deflate, String response, int maxLength) {
        DeflateSession session = (DeflateSession) deflate.createClientSession(new ExtensionContext(Role.CLIENT, maxLength));
        session.generateOffer();
        if (!session.activate(ExtensionHeader.parse(response).get(0))) {
            throw new AssertionError("refused: " + response);
        }
        return session;
    }

    static byte[] hex(String hex) {
        return HexFormat.ofDelimiter(" ").parseHex(hex);
    }

    static String hex(byte[] bytes) {
        return HexFormat.ofDelimiter(" ").formatHex(bytes);
    }

    static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(buffer.position(), bytes);
        return bytes;
    }

    /** What a received message became, fragment by fragment. */
    static final class Received {
        final List<Fragment> fragments = new ArrayList<>();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        void accept(Fragment fragment) {
            assertEquals(fragments.isEmpty(), fragment.first(), "first flag");
            assertFalse(!fragments.isEmpty() && fragments.get(fragments.size() - 1).last(), "a fragment after the last");
            assertEquals(0, fragment.rsv() & Message.RSV1, "RSV1 left on an inflated fragment");
            fragments.add(fragment);
            bytes.writeBytes(bytes(fragment.payload()));
        }

        byte[] message() {
            assertTrue(!fragments.isEmpty() && fragments.get(fragments.size() - 1).last(), "the message did not end");
            return bytes.toByteArray();
        }
    }

    /** Runs one received message, cut into {@code parts}, with {@code rsv}, through {@code session}. */
    static Received receive(DeflateSession session, int rsv, List<byte[]> parts) throws ProtocolException {
        Received received = new Received();
        for (int i = 0; i < parts.size(); i++) {
            session.processIncomingFragment(new Fragment(MessageType.BINARY, rsv, ByteBuffer.wrap(parts.get(i).clone()),
                    i == 0, i == parts.size() - 1), received::accept);
        }
        return received;
    }

    /** A compressed message received in {@code parts}, inflated. */
    static byte[] inflate(DeflateSession session, List<byte[]> parts) throws ProtocolException {
        return receive(session, Message.RSV1, parts).message();
    }

    /** Every way to cut {@code bytes}: whole, in two at every offset, one byte at a time. */
    static List<List<byte[]>> splits(byte[] bytes) {
        List<List<byte[]>> splits = new ArrayList<>();
        splits.add(List.of(bytes));
        for (int at = 0; at <= bytes.length; at++) {
            splits.add(List.of(java.util.Arrays.copyOfRange(bytes, 0, at),
                    java.util.Arrays.copyOfRange(bytes, at, bytes.length)));
        }
        List<byte[]> single = new ArrayList<>();
        for (byte b : bytes) {
            single.add(new byte[] {b});
        }
        if (!single.isEmpty()) {
            splits.add(single);
        }
        return splits;
    }

    /** The header value of a session's response or offer. */
    static String header(ExtensionParams params) {
        return ExtensionHeader.serialize(List.of(params));
    }
}
