package dev.tether.runtime.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tether.message.BufferPool;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** When a lent message buffer goes back to its pool. */
class LentBufferTest {
    private static final int MIB = 1 << 20;

    private final BufferPool pool = new BufferPool(true, MIB, 8 * MIB);
    private final ByteBuffer buffer = pool.take(MIB);

    @Test
    @DisplayName("a buffer the listener only reads goes back when the call returns")
    void backWhenTheCallReturns() {
        LentBuffer.lend(buffer, pool, () -> assertEquals(1, pool.lentCount()));
        assertEquals(0, pool.lentCount());
    }

    @Test
    @DisplayName("a buffer sent during the call goes back when every send of it has completed")
    void heldWhileSent() {
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        LentBuffer.lend(buffer, pool, () -> {
            LentBuffer.holdWhileSending(buffer, first);
            LentBuffer.holdWhileSending(buffer, second); // forwarded to a second connection
        });
        assertEquals(1, pool.lentCount());
        first.complete(null);
        assertEquals(1, pool.lentCount());
        second.completeExceptionally(new IllegalStateException("closed"));
        assertEquals(0, pool.lentCount(), "a failed send lets go too");
    }

    @Test
    @DisplayName("a send that completed during the call does not end the loan early")
    void sendCompletedDuringTheCall() {
        LentBuffer.lend(buffer, pool, () -> {
            LentBuffer.holdWhileSending(buffer, CompletableFuture.completedFuture(null));
            assertEquals(1, pool.lentCount());
        });
        assertEquals(0, pool.lentCount());
    }

    @Test
    @DisplayName("only the lent buffer itself is held: other buffers, and sends outside the call, are not")
    void onlyTheLentBufferDuringTheCall() {
        CompletableFuture<Void> pending = new CompletableFuture<>();
        LentBuffer.lend(buffer, pool, () -> LentBuffer.holdWhileSending(ByteBuffer.allocate(10), pending));
        assertEquals(0, pool.lentCount());
        LentBuffer.holdWhileSending(buffer, pending); // no call running: nothing to hold
        assertEquals(0, pool.lentCount());
    }

    @Test
    @DisplayName("a duplicate, slice or read-only view of a lent direct buffer holds it while sent (a broadcast sends duplicates)")
    void viewsOfADirectBufferHoldIt() {
        eachViewHoldsTheLoanWhileSent(pool);
    }

    @Test
    @DisplayName("a duplicate, slice or read-only view of a lent heap buffer, or its array wrapped again, holds it while sent")
    void viewsOfAHeapBufferHoldIt() {
        BufferPool heap = new BufferPool(false, MIB, 8 * MIB);
        eachViewHoldsTheLoanWhileSent(heap);
        ByteBuffer lent = heap.take(MIB);
        CompletableFuture<Void> sent = new CompletableFuture<>();
        LentBuffer.lend(lent, heap, () -> LentBuffer.holdWhileSending(ByteBuffer.wrap(lent.array(), 100, 1000), sent));
        assertEquals(1, heap.lentCount());
        sent.complete(null);
        assertEquals(0, heap.lentCount());
    }

    private static void eachViewHoldsTheLoanWhileSent(BufferPool pool) {
        Map<String, UnaryOperator<ByteBuffer>> views = new LinkedHashMap<>();
        views.put("duplicate", ByteBuffer::duplicate);
        views.put("slice", ByteBuffer::slice);
        views.put("slice of a slice, inside", b -> b.slice(MIB / 2, MIB / 4).slice(10, 100));
        views.put("last byte", b -> b.slice(MIB - 1, 1));
        views.put("read-only", ByteBuffer::asReadOnlyBuffer);
        int lentBefore = pool.lentCount();
        views.forEach((name, view) -> {
            ByteBuffer lent = pool.take(MIB);
            CompletableFuture<Void> sent = new CompletableFuture<>();
            LentBuffer.lend(lent, pool, () -> LentBuffer.holdWhileSending(view.apply(lent), sent));
            assertEquals(lentBefore + 1, pool.lentCount(), name + ": held while sent");
            sent.complete(null);
            assertEquals(lentBefore, pool.lentCount(), name + ": back once sent");
        });
    }

    @Test
    @DisplayName("a direct buffer that cannot lie inside the lent one does not hold it")
    void aLargerDirectBufferIsNotAView() {
        CompletableFuture<Void> pending = new CompletableFuture<>();
        LentBuffer.lend(buffer, pool, () -> LentBuffer.holdWhileSending(ByteBuffer.allocateDirect(2 * MIB), pending));
        assertEquals(0, pool.lentCount());
    }

    @Test
    @DisplayName("the outer call's buffer sent from a nested call holds the outer loan")
    void outerLoanHeldFromANestedCall() {
        ByteBuffer inner = pool.take(MIB);
        CompletableFuture<Void> outerSend = new CompletableFuture<>();
        LentBuffer.lend(buffer, pool, () -> LentBuffer.lend(inner, pool,
                () -> LentBuffer.holdWhileSending(buffer, outerSend)));
        assertEquals(1, pool.lentCount(), "the outer buffer, not the inner one");
        outerSend.complete(null);
        assertEquals(0, pool.lentCount());
    }

    @Test
    @DisplayName("a call that throws still gives the buffer back")
    void backWhenTheCallThrows() {
        assertThrows(IllegalStateException.class, () -> LentBuffer.lend(buffer, pool, () -> {
            throw new IllegalStateException("listener bug");
        }));
        assertEquals(0, pool.lentCount());
    }

    @Test
    @DisplayName("calls nest: a loan inside another leaves the outer one in place")
    void nestedLoans() {
        ByteBuffer inner = pool.take(MIB);
        CompletableFuture<Void> outerSend = new CompletableFuture<>();
        LentBuffer.lend(buffer, pool, () -> {
            LentBuffer.lend(inner, pool, () -> { });
            LentBuffer.holdWhileSending(buffer, outerSend);
        });
        assertEquals(1, pool.lentCount());
        outerSend.complete(null);
        assertEquals(0, pool.lentCount());
    }
}
