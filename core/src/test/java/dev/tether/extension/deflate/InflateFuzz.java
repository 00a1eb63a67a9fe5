package dev.tether.extension.deflate;

import dev.tether.message.Message;
import dev.tether.message.MessageType;
import dev.tether.protocol.ProtocolException;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Fuzz target: permessage-deflate's receiving side. The first byte chooses context takeover and
 * the mode, the second seeds the fragment cuts. Mode "peer data": the rest, cut into fragments, is
 * a compressed message from a peer, inflated with a 4 KiB limit: it inflates, or fails with 1007 or
 * 1009, never otherwise, and never gives more than the limit. Mode "round trip": the rest is a
 * message compressed by our sending side and inflated back, twice (the second refers back to the
 * first with context takeover): it must come back equal.
 */
public final class InflateFuzz {
    private static final int LIMIT = 4096;

    private InflateFuzz() {
    }

    public static void fuzzerTestOneInput(byte[] input) throws ProtocolException {
        if (input.length < 2) {
            return;
        }
        boolean takeover = (input[0] & 1) == 0;
        boolean roundTrip = (input[0] & 2) != 0;
        Random cuts = new Random(input[1]);
        byte[] rest = Arrays.copyOfRange(input, 2, input.length);
        String offer = takeover ? "permessage-deflate" : "permessage-deflate; client_no_context_takeover; server_no_context_takeover";
        if (roundTrip) {
            DeflateSession sender = Sessions.server(PerMessageDeflate.builder().threshold(0).build(), offer, Sessions.MAX);
            DeflateSession receiver = Sessions.client(PerMessageDeflate.defaults(), Sessions.header(sender.generateResponse()), Sessions.MAX);
            for (int i = 0; i < 2; i++) {
                Message sent = sender.processOutgoing(new Message(MessageType.BINARY, 0, ByteBuffer.wrap(rest)));
                byte[] back = Sessions.receive(receiver, sent.rsv(), cut(Sessions.bytes(sent.payload()), cuts)).message();
                if (!Arrays.equals(rest, back)) {
                    throw new AssertionError("round trip " + i + " changed the message");
                }
            }
            sender.close();
            receiver.close();
            return;
        }
        DeflateSession receiver = Sessions.server(PerMessageDeflate.defaults(), offer, LIMIT);
        try {
            Sessions.Received received = Sessions.receive(receiver, Message.RSV1, cut(rest, cuts));
            if (received.message().length > LIMIT) {
                throw new AssertionError("inflated past the limit: " + received.message().length);
            }
        } catch (ProtocolException e) {
            if (e.closeCode() != 1007 && e.closeCode() != 1009) {
                throw new AssertionError("unexpected close code " + e.closeCode(), e);
            }
        } finally {
            receiver.close();
        }
    }

    /** {@code bytes} in random pieces, some empty. */
    private static List<byte[]> cut(byte[] bytes, Random cuts) {
        List<byte[]> parts = new ArrayList<>();
        int at = 0;
        do {
            int n = Math.min(bytes.length - at, cuts.nextInt(40));
            parts.add(Arrays.copyOfRange(bytes, at, at + n));
            at += n;
        } while (at < bytes.length);
        return parts;
    }
}
