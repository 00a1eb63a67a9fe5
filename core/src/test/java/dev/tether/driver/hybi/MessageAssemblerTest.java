package dev.tether.driver.hybi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.message.BufferPool;
import dev.tether.message.Message;
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

/** How the assembler takes memory: as bytes arrive, and for a large frame, once. */
class MessageAssemblerTest {
    private static final int KIB = 1024;
    private static final int MIB = 1 << 20;

    @ParameterizedTest(name = "{0} bytes here of at most {1}: a buffer of {2}")
    @CsvSource({
            // needed,   bound,       capacity
            "1,          125,         125",         // a small frame: no more than it announced
            "1,          67108863,    65536",       // a 64 MiB announcement and one byte: 64 KiB
            "1024,       67108863,    65536",
            "65522,      1048576,     1048576",     // the first 64 KiB read of a 1 MiB frame, less its header: all of it
            "65522,      67108863,    1048576",     // ... of a 64 MiB frame: 1 MiB
            "65537,      67108863,    1048576",
            "1048576,    67108863,    4194304",     // past 1 MiB: four times what came
            "1048577,    67108863,    4194308",
            "20000000,   67108863,    67108863",    // past a quarter of the bound: the bound
            "100,        50,          100",         // never less than needed
            "2147483639, 2147483639,  2147483639",  // the largest message there can be
    })
    void capacityGrowsWithWhatArrived(int needed, long bound, int capacity) {
        assertEquals(capacity, MessageAssembler.capacityFor(needed, bound));
    }

    @Test
    @DisplayName("a 1 MiB frame in 64 KiB reads, the first short by its header, is delivered whole in an array of exactly 1 MiB")
    void largeFrameInReads() throws Exception {
        List<Message> delivered = new ArrayList<>();
        MessageAssembler assembler = new MessageAssembler(64 * MIB, (message, utf8Checked) -> delivered.add(message));
        byte[] payload = new byte[MIB];
        new Random(3).nextBytes(payload);

        assembler.frameStart(Opcode.BINARY, true, 0, MIB);
        int first = 64 * KIB - 14;
        assembler.payload(ByteBuffer.wrap(payload, 0, first));
        assertEquals(MIB, assembler.capacity(), "the whole buffer comes with the first read");
        for (int at = first; at < MIB; at += 64 * KIB) {
            assembler.payload(ByteBuffer.wrap(payload, at, Math.min(64 * KIB, MIB - at)));
            assertEquals(MIB, assembler.capacity(), "and is never regrown");
        }
        assembler.frameEnd(true);

        assertEquals(1, delivered.size());
        assertEquals(MIB, delivered.get(0).payload().array().length);
        assertArrayEquals(payload, delivered.get(0).payload().array());
    }

    @Test
    @DisplayName("a 4 MiB message in 4,096 fragments of 1 KiB is regrown twice, not once per fragment, and delivered exactly")
    void fragmentedMessageGrowsGeometrically() throws Exception {
        List<Message> delivered = new ArrayList<>();
        MessageAssembler assembler = new MessageAssembler(64 * MIB, (message, utf8Checked) -> delivered.add(message));
        byte[] payload = new byte[4 * MIB];
        new Random(5).nextBytes(payload);

        Set<Integer> capacities = new HashSet<>();
        for (int i = 0; i < 4096; i++) {
            boolean last = i == 4095;
            assembler.frameStart(i == 0 ? Opcode.BINARY : Opcode.CONTINUATION, last, 0, KIB);
            assembler.payload(ByteBuffer.wrap(payload, i * KIB, KIB));
            capacities.add(assembler.capacity());
            assembler.frameEnd(last);
        }

        assertEquals(List.of(64 * KIB, MIB, 4 * (MIB + KIB)), capacities.stream().sorted().toList());
        assertEquals(1, delivered.size());
        assertArrayEquals(payload, delivered.get(0).payload().array());
    }

    @Test
    @DisplayName("with a pool, a 1 MiB binary frame is assembled in a buffer lent from it, which the receiver gives back")
    void largeBinaryFrameInALentBuffer() throws Exception {
        BufferPool pool = new BufferPool(true, 4 * MIB, 64 * MIB);
        List<Message> delivered = new ArrayList<>();
        MessageAssembler assembler = new MessageAssembler(64 * MIB, (message, utf8Checked) -> delivered.add(message), pool);
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
        MessageAssembler assembler = new MessageAssembler(64 * MIB, (message, utf8Checked) -> { }, pool);
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
        MessageAssembler assembler = new MessageAssembler(64 * MIB, (message, utf8Checked) -> delivered.add(message), pool);
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
    @DisplayName("a 4 MiB frame moves to a lent buffer once 1 MiB has arrived, as an array of its own would grow to it")
    void poolTakenByTheSameRuleAsAnArray() throws Exception {
        BufferPool pool = new BufferPool(false, 4 * MIB, 64 * MIB);
        List<Message> delivered = new ArrayList<>();
        MessageAssembler assembler = new MessageAssembler(64 * MIB, (message, utf8Checked) -> delivered.add(message), pool);
        byte[] payload = new byte[4 * MIB];
        new Random(15).nextBytes(payload);

        assembler.frameStart(Opcode.BINARY, true, 0, 4 * MIB);
        for (int at = 0; at < MIB - 64 * KIB; at += 64 * KIB) {
            assembler.payload(ByteBuffer.wrap(payload, at, 64 * KIB));
            assertEquals(0, pool.bytes(), "a stalled peer holds no more of the pool than of the heap");
        }
        for (int at = MIB - 64 * KIB; at < 4 * MIB; at += 64 * KIB) {
            assembler.payload(ByteBuffer.wrap(payload, at, 64 * KIB));
            assertEquals(1, pool.lentCount());
        }
        assembler.frameEnd(true);

        assertEquals(ByteBuffer.wrap(payload), delivered.get(0).payload(), "what arrived before the move included");
        assertEquals(4 * MIB, pool.bytes());
    }

    @Test
    @DisplayName("a message that will never be finished gives its lent buffer back when discarded")
    void discardGivesBackTheBuffer() throws Exception {
        BufferPool pool = new BufferPool(false, MIB, 64 * MIB);
        MessageAssembler assembler = new MessageAssembler(64 * MIB, (message, utf8Checked) -> { }, pool);
        assembler.frameStart(Opcode.BINARY, true, 0, MIB);
        assembler.payload(ByteBuffer.wrap(new byte[64 * KIB]));
        assertEquals(1, pool.lentCount());
        assembler.discard();
        assertEquals(0, pool.lentCount());
    }
}
