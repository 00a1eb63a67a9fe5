package dev.tether.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the pool lends, what it takes back, and the bound it keeps. */
class BufferPoolTest {
    private static final int KIB = 1024;
    private static final int MIB = 1 << 20;

    @ParameterizedTest(name = "{0} bytes come in a buffer of {1}")
    @CsvSource({
            "65536,   65536",     // the smallest size
            "65537,   131072",    // sizes round up to a power of two
            "1048576, 1048576",
            "1048577, 2097152",
            "4194304, 4194304",   // the largest
    })
    void sizesRoundUpToPowersOfTwo(int size, int capacity) {
        ByteBuffer buffer = new BufferPool(false, 4 * MIB, 64 * MIB).take(size);
        assertEquals(capacity, buffer.capacity());
        assertEquals(0, buffer.position());
        assertEquals(size, buffer.limit());
    }

    @Test
    @DisplayName("sizes outside 64 KiB to the largest are not lent: the caller makes its own")
    void outsideItsSizesLendsNothing() {
        BufferPool pool = new BufferPool(false, MIB, 64 * MIB);
        assertNull(pool.take(64 * KIB - 1));
        assertNull(pool.take(MIB + 1));
        assertEquals(0, pool.bytes());
    }

    @Test
    void lendsTheKindItWasMadeFor() {
        assertTrue(new BufferPool(true, MIB, MIB).take(MIB).isDirect());
        assertFalse(new BufferPool(false, MIB, MIB).take(MIB).isDirect());
    }

    @Test
    @DisplayName("a buffer given back is lent again, cleared and big-endian, and nothing new is allocated")
    void reusesWhatIsGivenBack() {
        BufferPool pool = new BufferPool(false, MIB, 64 * MIB);
        ByteBuffer first = pool.take(MIB);
        first.put(new byte[100]).order(ByteOrder.LITTLE_ENDIAN);
        pool.release(first);
        ByteBuffer second = pool.take(MIB - 5);
        assertSame(first, second);
        assertEquals(0, second.position());
        assertEquals(MIB - 5, second.limit());
        assertEquals(ByteOrder.BIG_ENDIAN, second.order(), "as a new buffer would be");
        assertEquals(MIB, pool.bytes());
        assertEquals(1, pool.lentCount());
    }

    @Test
    @DisplayName("at its bound the pool lends nothing more until buffers come back")
    void staysWithinItsBound() {
        BufferPool pool = new BufferPool(true, MIB, 3 * MIB);
        ByteBuffer a = pool.take(MIB);
        ByteBuffer b = pool.take(MIB);
        ByteBuffer c = pool.take(MIB);
        assertNotNull(c);
        assertNull(pool.take(MIB));
        assertNull(pool.take(64 * KIB));
        assertEquals(3 * MIB, pool.bytes());
        pool.release(b);
        assertSame(b, pool.take(MIB));
        pool.release(a);
        pool.release(c);
        assertEquals(1, pool.lentCount());
    }

    @Test
    @DisplayName("free buffers of another size are let go to make room for the size wanted")
    void dropsFreeBuffersForOtherSizes() {
        BufferPool pool = new BufferPool(false, MIB, MIB);
        ByteBuffer[] small = new ByteBuffer[16];
        for (int i = 0; i < small.length; i++) {
            small[i] = pool.take(64 * KIB);
        }
        assertNull(pool.take(MIB), "all of it is lent");
        for (ByteBuffer b : small) {
            pool.release(b);
        }
        ByteBuffer large = pool.take(MIB);
        assertNotNull(large);
        assertEquals(MIB, pool.bytes());
        assertNull(pool.take(64 * KIB), "the small ones are gone");
    }

    @Test
    @DisplayName("buffers the pool did not lend, or lent and got back already, are ignored")
    void ignoresForeignBuffersAndSecondReleases() {
        BufferPool pool = new BufferPool(false, MIB, 2 * MIB);
        pool.release(ByteBuffer.allocate(MIB));
        assertEquals(0, pool.bytes());
        ByteBuffer lent = pool.take(MIB);
        pool.release(lent);
        pool.release(lent);
        assertSame(lent, pool.take(MIB));
        assertNotSame(lent, pool.take(MIB), "it was not queued twice");
        assertEquals(2 * MIB, pool.bytes());
    }

    @Test
    @DisplayName("takeInPlaceOf: beside the held buffers when there is room, in their place when only that fits, and not at all otherwise")
    void takesInPlaceOfHeldBuffers() {
        BufferPool pool = new BufferPool(true, MIB, MIB + 128 * KIB);
        List<ByteBuffer> held = List.of(pool.take(64 * KIB), pool.take(64 * KIB));
        ByteBuffer beside = pool.takeInPlaceOf(MIB, held);
        assertNotNull(beside);
        assertEquals(3, pool.lentCount(), "the held ones still lent");
        pool.release(beside);

        ByteBuffer other = pool.take(64 * KIB); // now the frame fits only where the held ones are
        assertNull(pool.take(MIB));
        pool.release(other);
        ByteBuffer third = pool.take(64 * KIB);
        assertNotNull(third);
        List<ByteBuffer> three = List.of(held.get(0), held.get(1), third);
        ByteBuffer inPlace = pool.takeInPlaceOf(MIB, three);
        assertNotNull(inPlace);
        assertEquals(1, pool.lentCount(), "the held ones stopped counting");
        assertEquals(MIB, pool.bytes());
        three.forEach(pool::release); // ignored: no longer the pool's
        assertEquals(1, pool.lentCount());

        ByteBuffer small = pool.take(64 * KIB);
        assertNull(pool.takeInPlaceOf(MIB, List.of(small)), "one piece's room is not enough");
        assertEquals(2, pool.lentCount(), "nothing changed");
    }

    @Test
    void refusesSizesThatAreNotPowersOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new BufferPool(false, 3 * MIB, MIB));
        assertThrows(IllegalArgumentException.class, () -> new BufferPool(false, 32 * KIB, MIB));
        assertThrows(IllegalArgumentException.class, () -> new BufferPool(false, MIB, -1));
    }
}
