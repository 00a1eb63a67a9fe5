package dev.tether.extension.deflate;

import dev.tether.message.Fragment;
import dev.tether.message.Message;
import dev.tether.message.MessageType;
import dev.tether.protocol.ProtocolException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.tether.extension.deflate.Sessions.MAX;
import static dev.tether.extension.deflate.Sessions.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Test helper: one connection's two ends, a server session of the {@link PerMessageDeflate} under
 * test sending to a client session of an uncapped one that reads what it sends.
 */
final class Link {
    /** Text-like bytes that compress well. */
    static final byte[] TEXT = text(2000);
    private static final PerMessageDeflate PEER = PerMessageDeflate.defaults();

    final DeflateSession sender;
    final DeflateSession peer;

    /** @param noTakeover whether the sender compresses each message with a fresh context */
    Link(PerMessageDeflate deflate, boolean noTakeover) {
        String offer = noTakeover ? "permessage-deflate; server_no_context_takeover" : "permessage-deflate";
        sender = Sessions.server(deflate, offer, MAX);
        peer = Sessions.client(PEER, Sessions.header(sender.generateResponse()), MAX);
    }

    static byte[] text(int size) {
        byte[] words = "alpha beta gamma delta {\"id\": 42, \"name\": \"tether\"} ".getBytes();
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = words[(i * 7 + i / 13) % words.length];
        }
        return bytes;
    }

    /**
     * Sends {@code data} as one whole message, checks the peer reads it back, and returns whether it
     * went compressed: RSV1 set and fewer bytes, or else RSV1 clear and the very bytes given.
     */
    boolean send(byte[] data) throws ProtocolException {
        Message sent = sender.processOutgoing(new Message(MessageType.TEXT, 0, ByteBuffer.wrap(data)));
        boolean compressed = check(sent.rsv(), bytes(sent.payload()), data);
        assertArrayEquals(data, bytes(peer.processIncoming(sent).payload()), "the peer reads the message");
        return compressed;
    }

    /** Starts a message sent in fragments: its first part; what goes on the wire is collected. */
    Sending start(byte[] part) {
        Sending sending = new Sending();
        sending.part(part, true, false);
        return sending;
    }

    /** Sends {@code data} in fragments of about 500 bytes, checked as {@link #send} does. */
    boolean sendInFragments(byte[] data) throws ProtocolException {
        int cut = Math.min(500, data.length);
        Sending sending = start(Arrays.copyOfRange(data, 0, cut));
        for (int at = cut; at < data.length; at += 500) {
            sending.part(Arrays.copyOfRange(data, at, Math.min(data.length, at + 500)), false, false);
        }
        return sending.end(new byte[0], data);
    }

    private static boolean check(int rsv, byte[] wire, byte[] data) {
        if ((rsv & Message.RSV1) == 0) {
            assertArrayEquals(data, wire, "uncompressed: the payload is unchanged");
            return false;
        }
        assertTrue(wire.length < data.length, "compressed: " + wire.length + " bytes for " + data.length);
        return true;
    }

    /** A message being sent in fragments. */
    final class Sending {
        private final List<Fragment> wire = new ArrayList<>();

        void part(byte[] bytes, boolean first, boolean last) {
            sender.processOutgoingFragment(new Fragment(MessageType.TEXT, 0, ByteBuffer.wrap(bytes), first, last),
                    wire::add);
        }

        /**
         * Sends the last part, checks that the peer reads {@code data} back, and returns whether the
         * message was compressed: the RSV bits of its first fragment are those it goes out with.
         */
        boolean end(byte[] last, byte[] data) throws ProtocolException {
            part(last, false, true);
            int rsv = wire.get(0).rsv();
            ByteArrayOutputStream onWire = new ByteArrayOutputStream();
            Sessions.Received received = new Sessions.Received();
            for (Fragment fragment : wire) {
                onWire.writeBytes(bytes(fragment.payload()));
                peer.processIncomingFragment(new Fragment(fragment.type(), rsv, fragment.payload(),
                        fragment.first(), fragment.last()), received::accept);
            }
            boolean compressed = check(rsv, onWire.toByteArray(), data);
            assertArrayEquals(data, received.message(), "the peer reads the message");
            return compressed;
        }
    }
}
