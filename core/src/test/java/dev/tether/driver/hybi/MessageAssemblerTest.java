package dev.tether.driver.hybi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.api.CloseCodes;
import dev.tether.message.BufferPool;
import dev.tether.message.MemoryBudget;
import dev.tether.message.Message;
import dev.tether.protocol.ProtocolException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How the assembler takes memory: as bytes arrive, never far ahead of them, and within a budget shared by connections. */
class MessageAssemblerTest {
    private static final int KIB = 1024;
    private static final int MIB = 1 << 20;

    @ParameterizedTest(name = "{0} bytes here of at most {1}: a buffer of {2}")
    @CsvSource({
            // needed,   bound,       capacity
            "1,          125,         125",         // a small frame: no more than it announced
            "1,          67108863,    4098",        // a 64 MiB announcement and one byte: twice that and 4 KiB
            "1024,       67108863,    6144",
            "65522,      1048576,     135140",      // the first 64 KiB read of a 1 MiB frame, less its header
            "65537,      67108863,    135170",
            "1048576,    67108863,    2101248",
            "40000000,   67108863,    67108863",    // past half the bound: the bound
            "100,        50,          100",         // never less than needed
            "2147483639, 2147483639,  2147483639",  // the largest message there can be
    })
    void capacityGrowsWithWhatArrived(int needed, long bound, int capacity) {
        assertEquals(capacity, MessageAssembler.capacityFor(needed, bound));
    }

    /** No buffer past twice what has arrived and the growth step: what a peer can make the assembler hold. */
    private static void assertHoldsLittleMoreThanArrived(MessageAssembler assembler, long arrived, MemoryBudget budget) {
        assertTrue(assembler.capacity() <= 2 * arrived + 4 * KIB, assembler.capacity() + " bytes held for " + arrived);
        assertEquals(assembler.capacity(), budget.reserved(), "what it holds is what it took from the budget");
    }

    @Test
    @DisplayName("a 1 MiB frame in 64 KiB reads never holds more than twice what arrived and 4 KiB, and is delivered in an array of exactly 1 MiB")
    void largeFrameInReads() throws Exception {
        List<Message> delivered = new ArrayList<>();
        MemoryBudget budget = MemoryBudget.of(64 * MIB);
        MessageAssembler assembler = new MessageAssembler(64 * MIB, (message, utf8Checked) -> delivered.add(message), null, budget);
        byte[] payload = new byte[MIB];
        new Random(3).nextBytes(payload);

        assembler.frameStart(Opcode.BINARY, true, 0, MIB);
        Set<Integer> capacities = new HashSet<>();
        for (int at = 0; at < MIB; at += 64 * KIB) {
            int n = Math.min(64 * KIB, MIB - at);
            assembler.payload(ByteBuffer.wrap(payload, at, n));
            assertHoldsLittleMoreThanArrived(assembler, at + n, budget);
            capacities.add(assembler.capacity());
        }
        assembler.frameEnd(true);

        assertEquals(4, capacities.size(), "regrown three times: " + capacities);
        assertEquals(1, delivered.size());
        assertEquals(MIB, delivered.get(0).payload().array().length);
        assertArrayEquals(payload, delivered.get(0).payload().array());
        assertEquals(0, budget.reserved(), "delivered: the array is the receiver's, given back to the budget");
    }

    @Test
    @DisplayName("a 4 MiB message in 4,096 fragments of 1 KiB grows by doubling, never past twice what arrived and 4 KiB, and is delivered exactly")
    void fragmentedMessageGrowsGeometrically() throws Exception {
        List<Message> delivered = new ArrayList<>();
        MemoryBudget budget = MemoryBudget.of(64 * MIB);
        MessageAssembler assembler = new MessageAssembler(64 * MIB, (message, utf8Checked) -> delivered.add(message), null, budget);
        byte[] payload = new byte[4 * MIB];
        new Random(5).nextBytes(payload);

        Set<Integer> capacities = new HashSet<>();
        for (int i = 0; i < 4096; i++) {
            boolean last = i == 4095;
            assembler.frameStart(i == 0 ? Opcode.BINARY : Opcode.CONTINUATION, last, 0, KIB);
            assembler.payload(ByteBuffer.wrap(payload, i * KIB, KIB));
            assertHoldsLittleMoreThanArrived(assembler, (i + 1L) * KIB, budget);
            capacities.add(assembler.capacity());
            assembler.frameEnd(last);
        }

        assertTrue(capacities.size() <= 11, "regrown by doubling, not per fragment: " + capacities.size() + " sizes");
        assertEquals(1, delivered.size());
        assertArrayEquals(payload, delivered.get(0).payload().array());
        assertEquals(0, budget.reserved());
    }

    @Test
    @DisplayName("a peer that announces a 64 MiB frame and sends 65,537 bytes of it makes the assembler hold twice that and 4 KiB")
    void aStalledHugeFrameHoldsLittle() throws Exception {
        MemoryBudget budget = MemoryBudget.of(64 * MIB);
        MessageAssembler assembler = new MessageAssembler(64 * MIB, (message, utf8Checked) -> { }, null, budget);
        assembler.frameStart(Opcode.BINARY, true, 0, 64 * MIB - 1);
        assembler.payload(ByteBuffer.wrap(new byte[65_536]));
        assembler.payload(ByteBuffer.wrap(new byte[1]));
        assertEquals(2 * 65_536 + 4 * KIB, assembler.capacity(), "grown once, with the first read");
        assertEquals(assembler.capacity(), budget.reserved());
        assembler.discard();
        assertEquals(0, budget.reserved(), "the connection ended: given back");
    }

    @Test
    @DisplayName("messages share the budget: one gets what is left, less than it would like; one that cannot get what it needs fails with 1013, one larger than the whole budget with 1009; what ends gives back")
    void aSharedBudgetBoundsTheSum() throws Exception {
        MemoryBudget budget = MemoryBudget.of(MIB);
        List<Message> delivered = new ArrayList<>();
        MessageAssembler first = new MessageAssembler(64 * MIB, (message, utf8Checked) -> delivered.add(message), null, budget);
        first.frameStart(Opcode.BINARY, true, 0, 64 * MIB - 1);
        first.payload(ByteBuffer.wrap(new byte[400 * KIB]));
        assertEquals(804 * KIB, budget.reserved(), "twice what came and 4 KiB");

        MessageAssembler second = new MessageAssembler(64 * MIB, (message, utf8Checked) -> delivered.add(message), null, budget);
        second.frameStart(Opcode.BINARY, true, 0, 300 * KIB);
        second.payload(ByteBuffer.wrap(new byte[150 * KIB]));
        assertEquals(220 * KIB, second.capacity(), "all that was left: less than the 300 KiB it would have taken");
        assertEquals(MIB, budget.reserved());

        MessageAssembler third = new MessageAssembler(64 * MIB, (message, utf8Checked) -> delivered.add(message), null, budget);
        third.frameStart(Opcode.BINARY, true, 0, 10 * KIB);
        ProtocolException refused = assertThrows(ProtocolException.class, () -> third.payload(ByteBuffer.wrap(new byte[5 * KIB])));
        assertEquals(CloseCodes.TRY_AGAIN_LATER, refused.closeCode());
        assertEquals("the server is short of memory for messages being received: try again later", refused.getMessage());
        third.discard();

        first.discard();
        second.discard();
        assertEquals(0, budget.reserved());
        MessageAssembler fourth = new MessageAssembler(64 * MIB, (message, utf8Checked) -> delivered.add(message), null, budget);
        fourth.frameStart(Opcode.BINARY, true, 0, 2 * MIB);
        fourth.payload(ByteBuffer.wrap(new byte[MIB]));
        ProtocolException tooBig = assertThrows(ProtocolException.class, () -> fourth.payload(ByteBuffer.wrap(new byte[1])));
        assertEquals(CloseCodes.MESSAGE_TOO_BIG, tooBig.closeCode(), "it could never be received: no use trying again");
        fourth.discard();

        MessageAssembler fifth = new MessageAssembler(64 * MIB, (message, utf8Checked) -> delivered.add(message), null, budget);
        fifth.frameStart(Opcode.BINARY, true, 0, 300 * KIB);
        fifth.payload(ByteBuffer.wrap(new byte[300 * KIB]));
        fifth.frameEnd(true);
        assertEquals(300 * KIB, delivered.get(0).payload().remaining());
        assertEquals(0, budget.reserved());
    }

    @Test
    @DisplayName("with a pool, a 1 MiB binary frame is assembled in a buffer lent from it, which the receiver gives back")
    void largeBinaryFrameInALentBuffer() throws Exception {
        BufferPool pool = new BufferPool(true, 4 * MIB, 64 * MIB);
        List<Message> delivered = new ArrayList<>();
        MessageAssembler assembler = new MessageAssembler(64 * MIB, (message, utf8Checked) -> delivered.add(message), pool, MemoryBudget.of(64 * MIB));
        byte[] payload = new byte[MIB];
        new Random(7).nextBytes(payload);

        assembler.frameStart(Opcode.BINARY, true, 0, MIB);
        for (int at = 0; at < MIB; at += 64 * KIB) {
            assembler.payload(ByteBuffer.wrap(payload, at, 64 * KIB));
        }
        assembler.frameEnd(true);

        ByteBuffer lent = delivered.get(0).payload();
        assertTrue(lent.isDirect());
        assertEquals(ByteBuffer.wrap(payload), lent);
        assertEquals(1, pool.lentCount());
        pool.release(lent);
        assertEquals(0, pool.lentCount());
    }

    @ParameterizedTest(name = "{0}: a buffer of its own")
    @CsvSource({
            "binary frame under 64 KiB,      2, true,  0,    65535",
            "text frame,                     1, true,  0,    1048576",
            "first of several fragments,     2, false, 0,    1048576",
            "frame for an extension (RSV1),  2, true,  64,   1048576",
            "frame past the pool's largest,  2, true,  0,    4194305",
    })
    void otherMessagesAreNotLent(String what, int opcode, boolean fin, int rsv, int length) throws Exception {
        BufferPool pool = new BufferPool(false, 4 * MIB, 64 * MIB);
        MessageAssembler assembler = new MessageAssembler(64 * MIB, (message, utf8Checked) -> { }, pool, MemoryBudget.of(64 * MIB));
        assembler.frameStart(opcode, fin, rsv, length);
        assembler.payload(ByteBuffer.wrap(new byte[length]));
        assembler.frameEnd(fin);
        assertEquals(0, pool.bytes());
    }

    @Test
    @DisplayName("when the pool is at its bound, a large message gets a buffer of its own")
    void fullPoolFallsBackToOwnBuffers() throws Exception {
        BufferPool pool = new BufferPool(true, MIB, MIB);
        ByteBuffer held = pool.take(MIB);
        List<Message> delivered = new ArrayList<>();
        MessageAssembler assembler = new MessageAssembler(64 * MIB, (message, utf8Checked) -> delivered.add(message), pool, MemoryBudget.of(64 * MIB));
        byte[] payload = new byte[MIB];
        new Random(9).nextBytes(payload);
        assembler.frameStart(Opcode.BINARY, true, 0, MIB);
        assembler.payload(ByteBuffer.wrap(payload));
        assembler.frameEnd(true);

        assertFalse(delivered.get(0).payload().isDirect());
        assertArrayEquals(payload, delivered.get(0).payload().array());
        pool.release(held);
    }

    @Test
    @DisplayName("a 4 MiB frame moves to a lent buffer once half of it has arrived, so a stalled peer holds no more of the pool than twice what it sent")
    void poolTakenByTheSameRuleAsAnArray() throws Exception {
        BufferPool pool = new BufferPool(false, 4 * MIB, 64 * MIB);
        List<Message> delivered = new ArrayList<>();
        MessageAssembler assembler = new MessageAssembler(64 * MIB, (message, utf8Checked) -> delivered.add(message), pool, MemoryBudget.of(64 * MIB));
        byte[] payload = new byte[4 * MIB];
        new Random(15).nextBytes(payload);

        assembler.frameStart(Opcode.BINARY, true, 0, 4 * MIB);
        for (int at = 0; at < 2 * MIB - 64 * KIB; at += 64 * KIB) {
            assembler.payload(ByteBuffer.wrap(payload, at, 64 * KIB));
            assertEquals(at + 64 * KIB, pool.bytes(), "before half has arrived, only pieces as large as what arrived");
        }
        for (int at = 2 * MIB - 64 * KIB; at < 4 * MIB; at += 64 * KIB) {
            assembler.payload(ByteBuffer.wrap(payload, at, 64 * KIB));
            assertEquals(1, pool.lentCount(), "the pieces are given back once the frame has moved");
        }
        assembler.frameEnd(true);

        assertEquals(ByteBuffer.wrap(payload), delivered.get(0).payload(), "what arrived before the move included");
        assertEquals(4 * MIB + 2 * MIB - 64 * KIB, pool.bytes(), "the message's buffer, and the pieces free for the next");
    }

    @Test
    @DisplayName("before half a lendable frame has arrived, it is held in 64 KiB pieces from the pool from half a piece on, whatever the chunks' sizes; no array of its own")
    void firstHalfInPooledPieces() throws Exception {
        BufferPool pool = new BufferPool(true, MIB, 64 * MIB);
        List<Message> delivered = new ArrayList<>();
        MessageAssembler assembler = new MessageAssembler(64 * MIB, (message, utf8Checked) -> delivered.add(message), pool, MemoryBudget.of(64 * MIB));
        byte[] payload = new byte[MIB];
        new Random(21).nextBytes(payload);

        assembler.frameStart(Opcode.BINARY, true, 0, MIB);
        assembler.payload(ByteBuffer.wrap(payload, 0, 1));
        assertEquals(0, pool.lentCount(), "one byte takes nothing from the pool");
        int at = 1;
        int[] chunks = {65_535, 2, 100_000, 31_000}; // across pieces' edges; 196,538 bytes in all, under half
        for (int chunk : chunks) {
            assembler.payload(ByteBuffer.wrap(payload, at, chunk));
            at += chunk;
            assertEquals((at + 64 * KIB - 1) / (64 * KIB), pool.lentCount(), "pieces after " + at + " bytes");
            assertEquals(0, assembler.capacity(), "no array of its own");
        }
        assembler.payload(ByteBuffer.wrap(payload, at, MIB - at));
        assembler.frameEnd(true);

        assertEquals(ByteBuffer.wrap(payload), delivered.get(0).payload());
        assertEquals(1, pool.lentCount(), "only the message's buffer is still lent");
    }

    @ParameterizedTest(name = "{0} bytes")
    @CsvSource({"1", "1000", "32767"})
    @DisplayName("a peer that sends less than half a piece of a large frame and stalls holds nothing of the pool, only an array counted against the budget")
    void underHalfAPieceTakesNothingFromThePool(int sent) throws Exception {
        BufferPool pool = new BufferPool(true, MIB, 64 * MIB);
        MemoryBudget budget = MemoryBudget.of(64 * MIB);
        MessageAssembler assembler = new MessageAssembler(64 * MIB, (message, utf8Checked) -> { }, pool, budget);
        assembler.frameStart(Opcode.BINARY, true, 0, MIB);
        assembler.payload(ByteBuffer.wrap(new byte[sent]));

        assertEquals(0, pool.bytes());
        assertTrue(budget.reserved() >= sent && budget.reserved() <= 2L * sent + 4 * KIB, "reserved " + budget.reserved());
        assembler.discard();
        assertEquals(0, budget.reserved());
    }

    @Test
    @DisplayName("the lent buffer takes the place of the frame's pieces: a pool with room for the frame alone lends it")
    void theLentBufferTakesThePiecesPlace() throws Exception {
        BufferPool pool = new BufferPool(true, MIB, MIB);
        List<Message> delivered = new ArrayList<>();
        MessageAssembler assembler = new MessageAssembler(64 * MIB, (message, utf8Checked) -> delivered.add(message), pool, MemoryBudget.of(64 * MIB));
        byte[] payload = new byte[MIB];
        new Random(25).nextBytes(payload);

        assembler.frameStart(Opcode.BINARY, true, 0, MIB);
        for (int at = 0; at < MIB; at += 64 * KIB) {
            assembler.payload(ByteBuffer.wrap(payload, at, 64 * KIB));
        }
        assembler.frameEnd(true);

        assertTrue(delivered.get(0).payload().isDirect(), "lent");
        assertEquals(ByteBuffer.wrap(payload), delivered.get(0).payload());
        assertEquals(1, pool.lentCount());
        assertEquals(MIB, pool.bytes(), "the pieces no longer count");
    }

    @Test
    @DisplayName("what came before half a piece moves with the frame: to the pieces, or straight to the lent buffer when one chunk brings the frame to half")
    void bytesKeptInTheArrayMoveWithTheFrame() throws Exception {
        BufferPool pool = new BufferPool(true, MIB, 64 * MIB);
        List<Message> delivered = new ArrayList<>();
        MessageAssembler assembler = new MessageAssembler(64 * MIB, (message, utf8Checked) -> delivered.add(message), pool, MemoryBudget.of(64 * MIB));
        byte[] payload = new byte[MIB];
        new Random(27).nextBytes(payload);
        int[][] splits = {{10_000, 30_000, MIB - 40_000}, {10_000, 600_000, MIB - 610_000}};
        for (int[] chunks : splits) {
            delivered.clear();
            assembler.frameStart(Opcode.BINARY, true, 0, MIB);
            int at = 0;
            for (int chunk : chunks) {
                assembler.payload(ByteBuffer.wrap(payload, at, chunk));
                at += chunk;
            }
            assembler.frameEnd(true);

            assertTrue(delivered.get(0).payload().isDirect(), "lent");
            assertEquals(ByteBuffer.wrap(payload), delivered.get(0).payload());
            pool.release(delivered.get(0).payload());
            assertEquals(0, pool.lentCount());
        }
    }

    @Test
    @DisplayName("a pool at its bound lends the next frame the buffer the last one gave back: pieces never make the pool drop it")
    void piecesNeverCostTheFrameItsFreeBuffer() throws Exception {
        BufferPool pool = new BufferPool(true, MIB, MIB);
        List<Message> delivered = new ArrayList<>();
        MessageAssembler assembler = new MessageAssembler(64 * MIB, (message, utf8Checked) -> delivered.add(message), pool, MemoryBudget.of(64 * MIB));
        byte[] payload = new byte[MIB];
        new Random(31).nextBytes(payload);
        for (int frame = 0; frame < 2; frame++) {
            assembler.frameStart(Opcode.BINARY, true, 0, MIB);
            for (int at = 0; at < MIB; at += 64 * KIB) {
                assembler.payload(ByteBuffer.wrap(payload, at, 64 * KIB));
            }
            assembler.frameEnd(true);
            assertEquals(ByteBuffer.wrap(payload), delivered.get(frame).payload());
            pool.release(delivered.get(frame).payload());
        }

        assertSame(delivered.get(0).payload(), delivered.get(1).payload(), "the same buffer, not a new one");
        assertEquals(MIB, pool.bytes());
    }

    @Test
    @DisplayName("a pool with nothing to give when the pieces would start leaves the frame in its array")
    void noPieceForWhatTheArrayHolds() throws Exception {
        BufferPool pool = new BufferPool(true, MIB, 0);
        List<Message> delivered = new ArrayList<>();
        MessageAssembler assembler = new MessageAssembler(64 * MIB, (message, utf8Checked) -> delivered.add(message), pool, MemoryBudget.of(64 * MIB));
        byte[] payload = new byte[MIB];
        new Random(29).nextBytes(payload);
        assembler.frameStart(Opcode.BINARY, true, 0, MIB);
        assembler.payload(ByteBuffer.wrap(payload, 0, 10_000));
        assembler.payload(ByteBuffer.wrap(payload, 10_000, 30_000));
        assembler.payload(ByteBuffer.wrap(payload, 40_000, MIB - 40_000));
        assembler.frameEnd(true);

        assertFalse(delivered.get(0).payload().isDirect());
        assertEquals(ByteBuffer.wrap(payload), delivered.get(0).payload());
    }

    @Test
    @DisplayName("when the pool runs out and the budget cannot take what the pieces held, the message fails and the pieces go back")
    void piecesGoBackWhenTheirArrayIsRefused() throws Exception {
        BufferPool pool = new BufferPool(true, MIB, 192 * KIB); // three pieces
        MessageAssembler assembler = new MessageAssembler(64 * MIB, (message, utf8Checked) -> { }, pool, MemoryBudget.of(100 * KIB));
        assembler.frameStart(Opcode.BINARY, true, 0, MIB);
        for (int at = 0; at < 192 * KIB; at += 64 * KIB) {
            assembler.payload(ByteBuffer.wrap(new byte[64 * KIB]));
        }
        assertEquals(3, pool.lentCount());

        ProtocolException refused = assertThrows(ProtocolException.class, () -> assembler.payload(ByteBuffer.wrap(new byte[64 * KIB])));
        assertTrue(refused.closeCode() == CloseCodes.MESSAGE_TOO_BIG || refused.closeCode() == CloseCodes.TRY_AGAIN_LATER, "code " + refused.closeCode());
        assertEquals(0, pool.lentCount());
    }

    @Test
    @DisplayName("when the pool runs out before half has arrived, what the pieces held moves to a buffer of its own, and they go back")
    void poolRunningOutMidwayMovesThePiecesToAnArray() throws Exception {
        BufferPool pool = new BufferPool(true, MIB, 192 * KIB); // room for three pieces
        List<Message> delivered = new ArrayList<>();
        MessageAssembler assembler = new MessageAssembler(64 * MIB, (message, utf8Checked) -> delivered.add(message), pool, MemoryBudget.of(64 * MIB));
        byte[] payload = new byte[MIB];
        new Random(33).nextBytes(payload);

        assembler.frameStart(Opcode.BINARY, true, 0, MIB);
        for (int at = 0; at < MIB; at += 64 * KIB) {
            assembler.payload(ByteBuffer.wrap(payload, at, 64 * KIB));
        }
        assembler.frameEnd(true);

        assertFalse(delivered.get(0).payload().isDirect(), "a buffer of its own");
        assertEquals(ByteBuffer.wrap(payload), delivered.get(0).payload());
        assertEquals(0, pool.lentCount());
        assertEquals(192 * KIB, pool.bytes(), "the three pieces, free again");
    }

    @Test
    @DisplayName("a message that will never be finished gives its lent buffer back when discarded")
    void discardGivesBackTheBuffer() throws Exception {
        BufferPool pool = new BufferPool(false, MIB, 64 * MIB);
        MessageAssembler assembler = new MessageAssembler(64 * MIB, (message, utf8Checked) -> { }, pool, MemoryBudget.of(64 * MIB));
        assembler.frameStart(Opcode.BINARY, true, 0, MIB);
        assembler.payload(ByteBuffer.wrap(new byte[512 * KIB]));
        assertEquals(1, pool.lentCount());
        assembler.discard();
        assertEquals(0, pool.lentCount());
    }

    @Test
    @DisplayName("a message that will never be finished gives back the pieces of its first half when discarded")
    void discardGivesBackThePieces() throws Exception {
        BufferPool pool = new BufferPool(false, MIB, 64 * MIB);
        MessageAssembler assembler = new MessageAssembler(64 * MIB, (message, utf8Checked) -> { }, pool, MemoryBudget.of(64 * MIB));
        assembler.frameStart(Opcode.BINARY, true, 0, MIB);
        assembler.payload(ByteBuffer.wrap(new byte[200 * KIB]));
        assertEquals(4, pool.lentCount());
        assembler.discard();
        assertEquals(0, pool.lentCount());
    }
}
