package dev.tether.message;

import dev.tether.api.CloseCodes;
import dev.tether.protocol.ProtocolException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A shared budget, and what one message takes from it. */
class MessageMemoryTest {

    @Test
    @DisplayName("the budget gives what it has, within what is asked; never past its limit, and never gives back more than it gave")
    void budget() {
        MemoryBudget budget = MemoryBudget.of(100);
        assertEquals(60, budget.reserveBetween(10, 60));
        assertEquals(40, budget.reserveBetween(10, 60), "all that is left");
        assertEquals(-1, budget.reserveBetween(1, 1));
        assertTrue(!budget.tryReserve(1));
        budget.release(50);
        assertTrue(budget.tryReserve(50));
        IllegalStateException tooMuch = assertThrows(IllegalStateException.class, () -> budget.release(101));
        assertEquals("released 101 bytes, but only 100 are reserved", tooMuch.getMessage());
        assertEquals(100, budget.reserved(), "a wrong release changes nothing");
    }

    @Test
    @DisplayName("the shared budget holds at least a message of the default size limit, whatever the heap")
    void sharedBudgetFitsTheDefaultMaxLength() {
        assertTrue(MemoryBudget.shared().limit() >= 64L << 20, MemoryBudget.shared().toString());
    }

    @Test
    @DisplayName("a message grows to what it wants, or to what is left down to what it needs; then 1013; past the whole budget 1009")
    void grow() throws ProtocolException {
        MemoryBudget budget = MemoryBudget.of(1000);
        MessageMemory message = new MessageMemory(budget);
        assertEquals(300, message.grow(100, 300));
        assertEquals(250, message.grow(200, 250), "it holds enough already: no more is taken");
        assertEquals(300, message.reserved());
        MessageMemory other = new MessageMemory(budget);
        assertEquals(700, other.grow(500, 900), "what is left");
        ProtocolException later = assertThrows(ProtocolException.class, () -> message.grow(301, 600));
        assertEquals(CloseCodes.TRY_AGAIN_LATER, later.closeCode());
        assertEquals(300, message.reserved(), "a refused growth takes nothing");
        ProtocolException never = assertThrows(ProtocolException.class, () -> message.grow(1001, 2000));
        assertEquals(CloseCodes.MESSAGE_TOO_BIG, never.closeCode());
        message.release();
        other.release();
        other.release();
        assertEquals(0, budget.reserved(), "each gives back once");
    }
}
