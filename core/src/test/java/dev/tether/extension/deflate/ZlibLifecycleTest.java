package dev.tether.extension.deflate;

import dev.tether.extension.ExtensionContext;
import dev.tether.extension.ExtensionHeader;
import dev.tether.extension.ExtensionSession;
import dev.tether.extension.Extensions;
import dev.tether.message.Fragment;
import dev.tether.message.Message;
import dev.tether.message.MessageType;
import dev.tether.protocol.ProtocolException;
import dev.tether.protocol.Role;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static dev.tether.extension.deflate.Sessions.MAX;
import static dev.tether.extension.deflate.Sessions.hex;
import static dev.tether.extension.deflate.Sessions.inflate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every Deflater and Inflater is created only when needed and ended exactly once, whatever the path. */
class ZlibLifecycleTest {
    private final CountingZlib zlib = new CountingZlib();

    private PerMessageDeflate deflate(boolean noTakeover) {
        return PerMessageDeflate.builder().threshold(0).zlib(zlib)
                .serverNoContextTakeover(noTakeover).clientNoContextTakeover(noTakeover).build();
    }

    private static Message hello() {
        return new Message(MessageType.TEXT, 0, ByteBuffer.wrap("Hello".getBytes()));
    }

    @Test
    void aSessionThatNeverCompressesNorInflatesHoldsNothing() throws ProtocolException {
        DeflateSession session = Sessions.server(deflate(false), "permessage-deflate", MAX);
        session.processIncoming(new Message(MessageType.TEXT, 0, ByteBuffer.wrap("plain".getBytes())));
        session.close();
        assertEquals(0, zlib.deflaters.size() + zlib.inflaters.size());
    }

    @Test
    void closeEndsEachStreamOnceAndLaterUseThrows() throws ProtocolException {
        DeflateSession session = Sessions.server(deflate(false), "permessage-deflate", MAX);
        session.processOutgoing(hello());
        session.processOutgoing(hello());
        inflate(session, List.of(hex("f2 48 cd c9 c9 07 00")));
        assertEquals(1, zlib.deflaters.size(), "one Deflater for the connection, with context takeover");
        assertEquals(1, zlib.inflaters.size());
        session.close();
        session.close();
        zlib.assertAllEndedOnce();
        assertFalse(session.holdsContext());
        assertThrows(IllegalStateException.class, () -> session.processOutgoing(hello()));
        assertThrows(IllegalStateException.class, () -> inflate(session, List.of(hex("00"))));
        assertThrows(IllegalStateException.class, () -> session.processOutgoingFragment(
                new Fragment(MessageType.TEXT, 0, ByteBuffer.allocate(0), true, true), fragment -> { }));
    }

    @Test
    void withoutContextTakeoverEachMessageEndsItsStreams() throws ProtocolException {
        DeflateSession session = Sessions.server(deflate(true), "permessage-deflate", MAX);
        for (int i = 0; i < 3; i++) {
            session.processOutgoing(hello());
            inflate(session, List.of(hex("f2 48 cd c9 c9 07 00")));
            assertFalse(session.holdsContext(), "an idle connection holds no zlib memory");
        }
        assertEquals(3, zlib.deflaters.size());
        assertEquals(3, zlib.inflaters.size());
        zlib.assertAllEndedOnce();
        session.close();
        zlib.assertAllEndedOnce();
    }

    @Test
    void aFailedMessageLeavesItsInflaterToClose() {
        DeflateSession session = Sessions.server(deflate(true), "permessage-deflate", MAX);
        assertThrows(ProtocolException.class, () -> inflate(session, List.of(hex("ff ff ff"))));
        session.close();
        session.close();
        assertEquals(1, zlib.inflaters.size());
        zlib.assertAllEndedOnce();
    }

    @Test
    void aClientSessionOfferedButRefusedOrNeverActivatedHoldsNothing() {
        PerMessageDeflate deflate = deflate(false);
        ExtensionSession refused = deflate.createClientSession(new ExtensionContext(Role.CLIENT, MAX));
        assertFalse(refused.activate(ExtensionHeader.parse("permessage-deflate; mux").get(0)));
        refused.close();
        assertThrows(IllegalStateException.class, () -> refused.processOutgoing(hello()));

        Extensions extensions = new Extensions(List.of(deflate), new ExtensionContext(Role.CLIENT, MAX));
        extensions.generateOffer();
        extensions.activate(null); // the server answered without it
        extensions.close();
        assertEquals(0, zlib.deflaters.size() + zlib.inflaters.size());
    }

    @Test
    void extensionsCloseEndsTheStreamsOfAnActiveSession() throws ProtocolException {
        Extensions client = new Extensions(List.of(deflate(false)), new ExtensionContext(Role.CLIENT, MAX));
        Extensions server = new Extensions(List.of(deflate(false)), new ExtensionContext(Role.SERVER, MAX));
        client.activate(server.generateResponse(client.generateOffer()));
        Message sent = client.processOutgoing(hello());
        assertEquals("Hello", new String(Sessions.bytes(server.processIncoming(sent).payload())));
        client.close();
        server.close();
        client.close();
        assertEquals(1, zlib.deflaters.size());
        assertEquals(1, zlib.inflaters.size());
        zlib.assertAllEndedOnce();
    }
}
