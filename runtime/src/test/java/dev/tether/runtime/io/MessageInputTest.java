package dev.tether.runtime.io;

import dev.tether.message.MemoryBudget;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A message on its way to a reader: its bytes counted against a budget from offer to read, exactly once. */
class MessageInputTest {

    @Test
    @DisplayName("a last part the budget refuses leaves the message unfinished: a failure after it reaches the reader, not a clean end")
    void aRefusedLastPartIsNoEnd() throws Exception {
        MemoryBudget budget = MemoryBudget.of(100);
        MessageInput input = new MessageInput(1000, () -> { }, budget);
        assertTrue(input.offer(ByteBuffer.wrap(new byte[50]), false));
        assertFalse(input.offer(ByteBuffer.wrap(new byte[100]), true), "refused: 150 bytes of a 100-byte budget");
        assertFalse(input.isComplete());
        IOException closed = new IOException("no memory left for this message (1013)");
        input.fail(closed);
        InputStream stream = input.stream();
        assertArrayEquals(new byte[50], stream.readNBytes(50));
        assertEquals(closed, assertThrows(IOException.class, stream::read));
        stream.close();
        assertEquals(0, budget.reserved());
    }

    @Test
    @DisplayName("bytes read and then the rest let go: each byte given back once, other reservations untouched")
    void readThenClosedGivesBackOnce() throws Exception {
        MemoryBudget budget = MemoryBudget.of(1 << 20);
        assertTrue(budget.tryReserve(1000)); // another connection's message
        MessageInput input = new MessageInput(1 << 20, () -> { }, budget);
        input.offer(ByteBuffer.wrap(new byte[100]), true);
        InputStream stream = input.stream();
        assertEquals(0, stream.read());
        input.abandon();
        assertEquals(1000, budget.reserved(), "the other connection's reservation is untouched");
        stream.close();
        assertEquals(1000, budget.reserved());
    }

    @Test
    @DisplayName("what is offered after the reader let go is not kept and not counted")
    void offersAfterAbandonAreDropped() {
        MemoryBudget budget = MemoryBudget.of(1 << 20);
        MessageInput input = new MessageInput(1 << 20, () -> { }, budget);
        input.offer(ByteBuffer.wrap(new byte[10]), false);
        input.abandon();
        assertTrue(input.offer(ByteBuffer.wrap(new byte[10]), true));
        assertEquals(0, budget.reserved());
        assertEquals(0, input.buffered());
    }
}
