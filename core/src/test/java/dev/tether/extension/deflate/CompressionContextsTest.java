package dev.tether.extension.deflate;

import dev.tether.protocol.ProtocolException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import static dev.tether.extension.deflate.Link.TEXT;
import static dev.tether.extension.deflate.Sessions.hex;
import static dev.tether.extension.deflate.Sessions.inflate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PerMessageDeflate.Builder#maxCompressionContexts}: the Deflaters of all sessions of one
 * instance are capped; a session that cannot get one sends uncompressed and tries again with the
 * next message; each permit is given back exactly once, whatever ends the session.
 */
class CompressionContextsTest {
    private final CountingZlib zlib = new CountingZlib();

    private PerMessageDeflate capped(int max) {
        return PerMessageDeflate.builder().threshold(0).zlib(zlib).maxCompressionContexts(max).build();
    }

    @Test
    void theThirdSessionSendsUncompressedUntilOneOfTheFirstTwoCloses() throws ProtocolException {
        PerMessageDeflate deflate = capped(2);
        Link first = new Link(deflate, false);
        Link second = new Link(deflate, false);
        Link third = new Link(deflate, false);
        assertEquals(0, deflate.compressionContextsInUse(), "no context before the first compressed message");

        assertTrue(first.send(TEXT));
        assertTrue(second.send(TEXT));
        assertEquals(2, deflate.compressionContextsInUse());
        assertFalse(third.send(TEXT), "every context taken: sent uncompressed, and the peer reads it");
        assertFalse(third.sendInFragments(TEXT), "in fragments too");
        assertFalse(third.sender.holdsContext());
        assertTrue(first.send(TEXT), "with context takeover a session keeps its context");
        assertEquals(2, deflate.compressionContextsInUse());

        first.sender.close();
        assertEquals(1, deflate.compressionContextsInUse());
        assertTrue(third.send(TEXT), "a context given back: the next message is compressed");
        assertTrue(third.sendInFragments(TEXT));
        assertEquals(2, deflate.compressionContextsInUse());

        second.sender.close();
        third.sender.close();
        assertEquals(0, deflate.compressionContextsInUse());
        assertEquals(3, zlib.deflaters.size());
        zlib.assertAllEndedOnce();
    }

    @Test
    void aMessageSentInFragmentsIsCompressedOrNotFromItsFirstFragmentToItsLast() throws ProtocolException {
        PerMessageDeflate deflate = capped(1);
        Link holder = new Link(deflate, false);
        Link waiting = new Link(deflate, false);
        assertTrue(holder.send(TEXT));
        Link.Sending sending = waiting.start(TEXT);
        holder.sender.close(); // the context is free again in the middle of the message
        sending.part(TEXT, false, false);
        assertFalse(sending.end(TEXT, concat(TEXT, TEXT, TEXT)), "begun uncompressed, ended uncompressed");
        assertEquals(0, deflate.compressionContextsInUse());

        sending = waiting.start(TEXT);
        assertEquals(1, deflate.compressionContextsInUse(), "taken on the first fragment");
        assertTrue(sending.end(TEXT, concat(TEXT, TEXT)));
        waiting.sender.close();
        assertEquals(0, deflate.compressionContextsInUse());
        zlib.assertAllEndedOnce();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Test
    void withoutContextTakeoverTheContextIsGivenBackAfterEachMessage() throws ProtocolException {
        PerMessageDeflate deflate = capped(1);
        Link one = new Link(deflate, true);
        Link other = new Link(deflate, true);
        for (int i = 0; i < 3; i++) {
            assertTrue(one.send(TEXT));
            assertEquals(0, deflate.compressionContextsInUse());
            assertTrue(other.sendInFragments(TEXT));
            assertEquals(0, deflate.compressionContextsInUse());
        }

        Link.Sending sending = one.start(TEXT);
        assertEquals(1, deflate.compressionContextsInUse(), "held while a message is being compressed");
        assertFalse(other.send(TEXT));
        assertTrue(sending.end(TEXT, concat(TEXT, TEXT)));
        assertEquals(0, deflate.compressionContextsInUse());
        assertTrue(other.send(TEXT));

        one.sender.close();
        other.sender.close();
        assertEquals(0, deflate.compressionContextsInUse());
        assertEquals(8, zlib.deflaters.size(), "a Deflater per compressed message");
        zlib.assertAllEndedOnce();
    }

    @Test
    void closeTwiceGivesTheContextBackOnce() throws ProtocolException {
        PerMessageDeflate deflate = capped(1);
        Link closed = new Link(deflate, false);
        assertTrue(closed.send(TEXT));
        closed.sender.close();
        closed.sender.close();
        assertEquals(0, deflate.compressionContextsInUse());
        Link next = new Link(deflate, false);
        Link after = new Link(deflate, false);
        assertTrue(next.send(TEXT));
        assertFalse(after.send(TEXT), "still one context in all: the second close gave nothing back");
        next.sender.close();
        after.sender.close();
        assertEquals(0, deflate.compressionContextsInUse());
        zlib.assertAllEndedOnce();
    }

    @Test
    void aSessionClosedAfterAFailedInflationGivesItsContextBack() throws ProtocolException {
        PerMessageDeflate deflate = capped(1);
        Link link = new Link(deflate, false);
        assertTrue(link.send(TEXT));
        assertThrows(ProtocolException.class, () -> inflate(link.sender, List.of(hex("ff ff ff ff"))));
        assertEquals(1, deflate.compressionContextsInUse(), "held until the connection is closed");
        link.sender.close();
        assertEquals(0, deflate.compressionContextsInUse());
        assertEquals(1, zlib.deflaters.size());
        assertEquals(1, zlib.inflaters.size());
        zlib.assertAllEndedOnce();
    }

    @Test
    void aDeflaterThatCannotBeCreatedTakesNoContext() {
        Zlib failing = new Zlib() {
            @Override
            public Deflater deflater(int level) {
                throw new IllegalStateException("no native memory");
            }

            @Override
            public Inflater inflater() {
                return Zlib.JDK.inflater();
            }
        };
        PerMessageDeflate deflate = PerMessageDeflate.builder().threshold(0).zlib(failing).maxCompressionContexts(1).build();
        Link link = new Link(deflate, false);
        assertThrows(IllegalStateException.class, () -> link.send(TEXT));
        assertEquals(0, deflate.compressionContextsInUse());
        link.sender.close();
        assertEquals(0, deflate.compressionContextsInUse());
    }

    @Test
    void noContextsAtAllSendsEverythingUncompressedAndStillInflates() throws ProtocolException {
        PerMessageDeflate deflate = capped(0);
        Link link = new Link(deflate, false);
        assertFalse(link.send(TEXT));
        assertFalse(link.sendInFragments(TEXT));
        assertEquals("Hello", new String(inflate(link.sender, List.of(hex("f2 48 cd c9 c9 07 00")))));
        link.sender.close();
        assertEquals(0, zlib.deflaters.size());
        zlib.assertAllEndedOnce();
    }

    @Test
    void requiringThePeersNoContextTakeoverMakesInflatersTransient() throws ProtocolException {
        PerMessageDeflate server = PerMessageDeflate.builder().zlib(zlib).clientNoContextTakeover(true).build();
        DeflateSession session = Sessions.server(server, "permessage-deflate", Sessions.MAX);
        assertEquals("permessage-deflate; client_no_context_takeover", Sessions.header(session.generateResponse()));
        for (int i = 0; i < 3; i++) {
            assertEquals("Hello", new String(inflate(session, List.of(hex("f2 48 cd c9 c9 07 00")))));
            assertFalse(session.holdsContext(), "the Inflater is ended after each message");
        }
        session.close();
        assertEquals(3, zlib.inflaters.size());
        zlib.assertAllEndedOnce();
    }

    @Test
    void theOption() {
        assertEquals(PerMessageDeflate.DEFAULT_MAX_COMPRESSION_CONTEXTS, PerMessageDeflate.defaults().maxCompressionContexts());
        assertEquals(7, PerMessageDeflate.builder().maxCompressionContexts(7).build().maxCompressionContexts());
        assertTrue(PerMessageDeflate.builder().maxCompressionContexts(7).build().toString().contains("maxCompressionContexts=7"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PerMessageDeflate.builder().maxCompressionContexts(-1));
        assertEquals("maxCompressionContexts must not be negative: -1", e.getMessage());
    }

    @Test
    void aContextGivenBackTwiceIsABug() {
        CompressionContexts contexts = new CompressionContexts(1);
        assertTrue(contexts.tryAcquire());
        assertFalse(contexts.tryAcquire());
        contexts.release();
        assertThrows(IllegalStateException.class, contexts::release);
        assertEquals(0, contexts.inUse());
    }
}
