package dev.tether.driver.hybi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class MaskingTest {
    private static final int MASK = 0x37fa213d;
    private static final int MAX_LENGTH = 40;

    /** The kinds of buffer Masking must handle; each lays the same bytes out differently in memory. */
    enum Kind {
        HEAP {
            @Override
            ByteBuffer wrap(byte[] bytes) {
                return ByteBuffer.wrap(bytes.clone());
            }
        },
        /** A slice of a bigger array: arrayOffset() is nonzero and odd, so longs are misaligned. */
        HEAP_SLICE {
            @Override
            ByteBuffer wrap(byte[] bytes) {
                ByteBuffer outer = ByteBuffer.allocate(bytes.length + 10);
                outer.position(3);
                ByteBuffer slice = outer.slice();
                slice.put(bytes).flip();
                return slice;
            }
        },
        DIRECT {
            @Override
            ByteBuffer wrap(byte[] bytes) {
                ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
                direct.put(bytes).flip();
                return direct;
            }
        },
        /** A direct buffer whose declared order is the reverse of the platform's. */
        DIRECT_OTHER_ORDER {
            @Override
            ByteBuffer wrap(byte[] bytes) {
                ByteOrder other = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN
                        ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
                return DIRECT.wrap(bytes).order(other);
            }
        },
        DIRECT_SLICE {
            @Override
            ByteBuffer wrap(byte[] bytes) {
                ByteBuffer outer = ByteBuffer.allocateDirect(bytes.length + 10);
                outer.position(5);
                ByteBuffer slice = outer.slice();
                slice.put(bytes).flip();
                return slice;
            }
        };

        abstract ByteBuffer wrap(byte[] bytes);
    }

    /** The definition from RFC 6455 §5.3, one byte at a time. */
    private static byte[] referenceMask(byte[] payload, int maskKey, int maskOffset) {
        byte[] out = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            int keyByte = (maskKey >>> (24 - 8 * ((maskOffset + i) % 4))) & 0xFF;
            out[i] = (byte) (payload[i] ^ keyByte);
        }
        return out;
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] remainingBytes(ByteBuffer buf) {
        byte[] bytes = new byte[buf.remaining()];
        buf.duplicate().get(bytes);
        return bytes;
    }

    @Test
    void unmasksTheMaskedHelloExampleOfRfc6455Section5_7() {
        ByteBuffer payload = ByteBuffer.wrap(new byte[] {0x7f, (byte) 0x9f, 0x4d, 0x51, 0x58});

        Masking.unmask(payload, 0x37fa213d, 0);

        assertEquals("Hello", StandardCharsets.US_ASCII.decode(payload).toString());
    }

    @Test
    void masksHelloIntoTheRfc6455Section5_7Bytes() {
        ByteBuffer src = ByteBuffer.wrap("Hello".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer dst = ByteBuffer.allocate(5);

        Masking.mask(src, dst, 0x37fa213d);

        assertArrayEquals(new byte[] {0x7f, (byte) 0x9f, 0x4d, 0x51, 0x58}, dst.array());
    }

    static Stream<Arguments> everyKindLengthAndOffset() {
        Stream.Builder<Arguments> rows = Stream.builder();
        for (Kind kind : Kind.values()) {
            for (int length = 0; length <= MAX_LENGTH; length++) {
                for (int offset = 0; offset < 4; offset++) {
                    rows.add(Arguments.of(kind, length, offset));
                }
            }
        }
        return rows.build();
    }

    @ParameterizedTest(name = "{0}, {1} bytes, mask offset {2}")
    @MethodSource("everyKindLengthAndOffset")
    void unmaskAgreesWithTheByteByByteDefinition(Kind kind, int length, int offset) {
        byte[] payload = randomBytes(length, 31L * length + offset);
        ByteBuffer buf = kind.wrap(payload);
        int limit = buf.limit();

        Masking.unmask(buf, MASK, offset);

        assertEquals(0, buf.position(), "position does not move");
        assertEquals(limit, buf.limit(), "limit does not move");
        assertArrayEquals(referenceMask(payload, MASK, offset), remainingBytes(buf));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void unmaskTouchesOnlyTheBytesBetweenPositionAndLimit(Kind kind) {
        byte[] payload = randomBytes(MAX_LENGTH, 7);
        ByteBuffer buf = kind.wrap(payload);
        buf.position(3).limit(MAX_LENGTH - 5);

        Masking.unmask(buf, MASK, 2);

        byte[] expected = payload.clone();
        byte[] middle = referenceMask(Arrays.copyOfRange(payload, 3, MAX_LENGTH - 5), MASK, 2);
        System.arraycopy(middle, 0, expected, 3, middle.length);
        buf.limit(payload.length).position(0);
        assertArrayEquals(expected, remainingBytes(buf));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void unmaskingChunkByChunkAtEverySplitEqualsUnmaskingWhole(Kind kind) {
        byte[] payload = randomBytes(MAX_LENGTH, 11);
        byte[] expected = referenceMask(payload, MASK, 0);
        for (int first = 0; first <= MAX_LENGTH; first++) {
            for (int second = first; second <= MAX_LENGTH; second++) {
                ByteBuffer buf = kind.wrap(payload);
                // Three reads: [0, first), [first, second), [second, end); offset = payload offset mod 4.
                unmaskRange(buf, 0, first);
                unmaskRange(buf, first, second);
                unmaskRange(buf, second, MAX_LENGTH);
                buf.limit(payload.length).position(0);
                assertArrayEquals(expected, remainingBytes(buf), "split at " + first + " and " + second);
            }
        }
    }

    private static void unmaskRange(ByteBuffer buf, int from, int to) {
        buf.limit(to).position(from);
        Masking.unmask(buf, MASK, from % 4);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void aZeroMaskKeyLeavesTheBytesUnchanged(Kind kind) {
        byte[] payload = randomBytes(MAX_LENGTH, 13);
        ByteBuffer buf = kind.wrap(payload);

        Masking.unmask(buf, 0, 1);

        assertArrayEquals(payload, remainingBytes(buf));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void unmaskingTwiceGivesBackTheOriginal(Kind kind) {
        byte[] payload = randomBytes(1000, 17);
        ByteBuffer buf = kind.wrap(payload);

        Masking.unmask(buf, MASK, 3);
        Masking.unmask(buf, MASK, 3);

        assertArrayEquals(payload, remainingBytes(buf));
    }

    static Stream<Arguments> everySourceAndDestinationKind() {
        Stream.Builder<Arguments> rows = Stream.builder();
        for (Kind src : Kind.values()) {
            for (Kind dst : Kind.values()) {
                rows.add(Arguments.of(src, dst));
            }
        }
        return rows.build();
    }

    @ParameterizedTest(name = "from {0} to {1}")
    @MethodSource("everySourceAndDestinationKind")
    void maskCopiesMaskedBytesLeavesTheSourceAloneAndAdvancesBothPositions(Kind srcKind, Kind dstKind) {
        for (int length = 0; length <= MAX_LENGTH; length++) {
            byte[] payload = randomBytes(length, 19L + length);
            ByteBuffer src = srcKind.wrap(payload);
            ByteBuffer dst = dstKind.wrap(new byte[length + 2]);
            dst.position(1);

            Masking.mask(src, dst, MASK);

            assertEquals(length, src.position(), "src position advances");
            assertEquals(1 + length, dst.position(), "dst position advances");
            assertArrayEquals(payload, remainingBytes(src.flip()), "src untouched");
            dst.flip().position(1);
            assertArrayEquals(referenceMask(payload, MASK, 0), remainingBytes(dst));
        }
    }

    /** Lengths around the points where buffers without arrays are masked through one, in 4 KiB pieces. */
    private static final int[] LONG_LENGTHS = {255, 256, 257, 4095, 4096, 4097, 3 * 4096 + 5};

    static Stream<Arguments> everyKindLongLengthAndOffset() {
        Stream.Builder<Arguments> rows = Stream.builder();
        for (Kind kind : Kind.values()) {
            for (int length : LONG_LENGTHS) {
                for (int offset = 0; offset < 4; offset++) {
                    rows.add(Arguments.of(kind, length, offset));
                }
            }
        }
        return rows.build();
    }

    @ParameterizedTest(name = "{0}, {1} bytes, mask offset {2}")
    @MethodSource("everyKindLongLengthAndOffset")
    void unmaskAgreesWithTheDefinitionAtLengthsMaskedThroughAnArray(Kind kind, int length, int offset) {
        byte[] payload = randomBytes(length + 6, 41L * length + offset);
        ByteBuffer buf = kind.wrap(payload);
        buf.position(3).limit(3 + length); // inside a larger buffer: the bytes around stay as they are

        Masking.unmask(buf, MASK, offset);

        byte[] expected = payload.clone();
        System.arraycopy(referenceMask(Arrays.copyOfRange(payload, 3, 3 + length), MASK, offset), 0, expected, 3, length);
        assertArrayEquals(expected, remainingBytes(buf.position(0).limit(payload.length)));
    }

    @ParameterizedTest(name = "from {0} to {1}")
    @MethodSource("everySourceAndDestinationKind")
    void maskAgreesWithTheDefinitionAtLengthsMaskedThroughAnArray(Kind srcKind, Kind dstKind) {
        for (int length : LONG_LENGTHS) {
            byte[] payload = randomBytes(length, 43L + length);
            for (ByteBuffer src : List.of(srcKind.wrap(payload), srcKind.wrap(payload).asReadOnlyBuffer())) {
                ByteBuffer dst = dstKind.wrap(new byte[length + 2]);
                dst.position(1);

                Masking.mask(src, dst, MASK);

                assertEquals(length, src.position(), "src position advances");
                assertArrayEquals(payload, remainingBytes(src.flip()), "src untouched");
                assertArrayEquals(referenceMask(payload, MASK, 0), remainingBytes(dst.flip().position(1)), length + " bytes");
            }
        }
    }

    @Test
    void maskReadsFromAReadOnlySource() {
        byte[] payload = randomBytes(MAX_LENGTH, 23);
        ByteBuffer dst = ByteBuffer.allocate(MAX_LENGTH);

        Masking.mask(ByteBuffer.wrap(payload).asReadOnlyBuffer(), dst, MASK);

        assertArrayEquals(referenceMask(payload, MASK, 0), dst.array());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void maskThenUnmaskIsTheIdentity(Kind kind) {
        byte[] payload = randomBytes(1000, 29);
        ByteBuffer masked = kind.wrap(new byte[payload.length]);

        Masking.mask(ByteBuffer.wrap(payload), masked, MASK);
        masked.flip();
        Masking.unmask(masked, MASK, 0);

        assertArrayEquals(payload, remainingBytes(masked));
    }

    @Test
    void aZeroKeyLeavesEvenAReadOnlyBufferAlone() {
        // A client parses unmasked server frames (key 0): its input may be read-only.
        ByteBuffer readOnly = ByteBuffer.wrap(new byte[] {1, 2, 3}).asReadOnlyBuffer();
        Masking.unmask(readOnly, 0, 0);
        assertEquals(ByteBuffer.wrap(new byte[] {1, 2, 3}), readOnly);
    }

    @Test
    void unmaskRefusesAReadOnlyBufferLikeNioDoes() {
        ByteBuffer readOnly = ByteBuffer.wrap(new byte[8]).asReadOnlyBuffer();

        assertThrows(ReadOnlyBufferException.class, () -> Masking.unmask(readOnly, MASK, 0));
    }

    @Test
    void maskRefusesAReadOnlyDestination() {
        ByteBuffer readOnly = ByteBuffer.allocate(8).asReadOnlyBuffer();

        assertThrows(ReadOnlyBufferException.class, () -> Masking.mask(ByteBuffer.allocate(8), readOnly, MASK));
    }

    @Test
    void maskRefusesADestinationTooSmallAndMovesNothing() {
        ByteBuffer src = ByteBuffer.allocate(9);
        ByteBuffer dst = ByteBuffer.allocate(8);

        assertThrows(BufferOverflowException.class, () -> Masking.mask(src, dst, MASK));
        assertEquals(0, src.position());
        assertEquals(0, dst.position());
    }

    @Test
    void unmaskRefusesAMaskOffsetOutsideZeroToThree() {
        ByteBuffer buf = ByteBuffer.allocate(8);

        assertThrows(IllegalArgumentException.class, () -> Masking.unmask(buf, MASK, 4));
        assertThrows(IllegalArgumentException.class, () -> Masking.unmask(buf, MASK, -1));
    }
}
