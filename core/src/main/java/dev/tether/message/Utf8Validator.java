package dev.tether.message;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Strict, streaming UTF-8 validation (RFC 3629, as RFC 6455 requires for text messages).
 *
 * <p>Rejects overlong forms, UTF-16 surrogates (U+D800..U+DFFF), code points above U+10FFFF, the
 * bytes C0, C1 and F5..FF, and continuation bytes with no lead byte. The state carries over from
 * one {@code update} to the next, so text split across frames or fragments at any byte is
 * validated as one stream, and an invalid byte is reported by the very call that feeds it: a
 * WebSocket endpoint can fail the connection at once instead of at the end of the message.
 *
 * <p>Works as a small deterministic automaton over byte classes, with a fast path that skips
 * ASCII 8 or 32 bytes at a time between characters. Not thread-safe; one instance per message
 * stream.
 */
public final class Utf8Validator {
    // Byte classes: the DFA only needs to know which range a byte falls in.
    private static final int ASCII = 0;          // 00..7F
    private static final int CONTINUATION_80 = 1; // 80..8F
    private static final int CONTINUATION_90 = 2; // 90..9F
    private static final int CONTINUATION_A0 = 3; // A0..BF
    private static final int LEAD_2 = 4;          // C2..DF
    private static final int LEAD_E0 = 5;         // E0: second byte A0..BF, or it would be overlong
    private static final int LEAD_3 = 6;          // E1..EC, EE, EF
    private static final int LEAD_ED = 7;         // ED: second byte 80..9F, or it would be a surrogate
    private static final int LEAD_F0 = 8;         // F0: second byte 90..BF, or it would be overlong
    private static final int LEAD_4 = 9;          // F1..F3
    private static final int LEAD_F4 = 10;        // F4: second byte 80..8F, or it would pass U+10FFFF
    private static final int NEVER_VALID = 11;    // C0, C1 (always overlong), F5..FF
    private static final int CLASS_COUNT = 16;    // a power of two, so a state plus a class is an index

    // States, premultiplied by CLASS_COUNT so one table lookup gives the next state directly.
    private static final int ACCEPT = 0;                   // at a character boundary
    private static final int REJECT = CLASS_COUNT;         // invalid; absorbing
    private static final int NEED_1 = 2 * CLASS_COUNT;     // one continuation byte (80..BF) to go
    private static final int NEED_2 = 3 * CLASS_COUNT;
    private static final int NEED_3 = 4 * CLASS_COUNT;
    private static final int AFTER_E0 = 5 * CLASS_COUNT;   // then A0..BF, then one more
    private static final int AFTER_ED = 6 * CLASS_COUNT;   // then 80..9F, then one more
    private static final int AFTER_F0 = 7 * CLASS_COUNT;   // then 90..BF, then two more
    private static final int AFTER_F4 = 8 * CLASS_COUNT;   // then 80..8F, then two more
    private static final int STATE_COUNT = 9;

    private static final byte[] CLASSES = new byte[256];
    private static final int[] TRANSITIONS = new int[STATE_COUNT * CLASS_COUNT];

    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;
    // Testing the high bit of every byte does not depend on byte order; native order is cheapest.
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    static {
        classify(0x00, 0x7F, ASCII);
        classify(0x80, 0x8F, CONTINUATION_80);
        classify(0x90, 0x9F, CONTINUATION_90);
        classify(0xA0, 0xBF, CONTINUATION_A0);
        classify(0xC0, 0xC1, NEVER_VALID);
        classify(0xC2, 0xDF, LEAD_2);
        classify(0xE0, 0xE0, LEAD_E0);
        classify(0xE1, 0xEF, LEAD_3);
        classify(0xED, 0xED, LEAD_ED); // carved out of E1..EF
        classify(0xF0, 0xF0, LEAD_F0);
        classify(0xF1, 0xF3, LEAD_4);
        classify(0xF4, 0xF4, LEAD_F4);
        classify(0xF5, 0xFF, NEVER_VALID);

        // Everything not listed below goes to REJECT, which is 16, not 0: fill first.
        Arrays.fill(TRANSITIONS, REJECT);
        transition(ACCEPT, ASCII, ACCEPT);
        transition(ACCEPT, LEAD_2, NEED_1);
        transition(ACCEPT, LEAD_E0, AFTER_E0);
        transition(ACCEPT, LEAD_3, NEED_2);
        transition(ACCEPT, LEAD_ED, AFTER_ED);
        transition(ACCEPT, LEAD_F0, AFTER_F0);
        transition(ACCEPT, LEAD_4, NEED_3);
        transition(ACCEPT, LEAD_F4, AFTER_F4);
        for (int anyContinuation : new int[] {CONTINUATION_80, CONTINUATION_90, CONTINUATION_A0}) {
            transition(NEED_1, anyContinuation, ACCEPT);
            transition(NEED_2, anyContinuation, NEED_1);
            transition(NEED_3, anyContinuation, NEED_2);
        }
        transition(AFTER_E0, CONTINUATION_A0, NEED_1);
        transition(AFTER_ED, CONTINUATION_80, NEED_1);
        transition(AFTER_ED, CONTINUATION_90, NEED_1);
        transition(AFTER_F0, CONTINUATION_90, NEED_2);
        transition(AFTER_F0, CONTINUATION_A0, NEED_2);
        transition(AFTER_F4, CONTINUATION_80, NEED_2);
    }

    private static void classify(int first, int last, int byteClass) {
        for (int b = first; b <= last; b++) {
            CLASSES[b] = (byte) byteClass;
        }
    }

    private static void transition(int from, int byteClass, int to) {
        TRANSITIONS[from + byteClass] = to;
    }

    private int state = ACCEPT;

    /** A validator at the start of a stream. */
    public Utf8Validator() {
    }

    /**
     * Feeds the bytes from position to limit, without moving the position.
     *
     * @param bytes the next bytes of the stream
     * @return false as soon as the bytes fed so far cannot be the start of valid UTF-8; once false,
     *         every later call returns false until {@link #reset()}
     */
    public boolean update(ByteBuffer bytes) {
        if (state != REJECT) {
            int from = bytes.position();
            int to = bytes.limit();
            state = bytes.hasArray()
                    ? advance(bytes.array(), bytes.arrayOffset() + from, bytes.arrayOffset() + to, state)
                    : advance(bytes, from, to, state);
        }
        return state != REJECT;
    }

    /**
     * Feeds {@code length} bytes of {@code bytes} from {@code offset}.
     *
     * @param bytes  the array holding the next bytes of the stream
     * @param offset the index of the first byte to feed
     * @param length how many bytes to feed
     * @return false as soon as the bytes fed so far cannot be the start of valid UTF-8; once false,
     *         every later call returns false until {@link #reset()}
     * @throws IndexOutOfBoundsException if the range is not within {@code bytes}
     */
    public boolean update(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (state != REJECT) {
            state = advance(bytes, offset, offset + length, state);
        }
        return state != REJECT;
    }

    /**
     * True when everything fed so far is valid UTF-8 and ends on a character boundary.
     *
     * @return whether the stream could end here: the check to make at the end of a message
     */
    public boolean isComplete() {
        return state == ACCEPT;
    }

    /**
     * False once an invalid byte has been fed; a truncated last character still counts as valid.
     *
     * @return whether the bytes fed so far can be the start of valid UTF-8
     */
    public boolean isValid() {
        return state != REJECT;
    }

    /** Starts a new stream. */
    public void reset() {
        state = ACCEPT;
    }

    /**
     * True when the range is complete, valid UTF-8.
     *
     * @param bytes  the array holding the text
     * @param offset the index of its first byte
     * @param length its length in bytes
     * @return whether the range is valid UTF-8 ending on a character boundary
     * @throws IndexOutOfBoundsException if the range is not within {@code bytes}
     */
    public static boolean isValid(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        return advance(bytes, offset, offset + length, ACCEPT) == ACCEPT;
    }

    /**
     * True when the bytes from position to limit are complete, valid UTF-8; the position does not move.
     *
     * @param bytes the text
     * @return whether the bytes are valid UTF-8 ending on a character boundary
     */
    public static boolean isValid(ByteBuffer bytes) {
        Utf8Validator validator = new Utf8Validator();
        return validator.update(bytes) && validator.isComplete();
    }

    /** Runs the automaton over {@code bytes[from, to)}; returns the state after, or REJECT at once. */
    private static int advance(byte[] bytes, int from, int to, int state) {
        int i = from;
        while (i < to) {
            if (state == ACCEPT && bytes[i] >= 0) {
                // Between characters and looking at ASCII: skip ASCII 32 bytes per branch, then
                // 8. Mixed text rarely has 32 ASCII bytes in a row: try one word before any block.
                if (i <= to - 8 && ((long) LONGS.get(bytes, i) & HIGH_BITS) == 0) {
                    i += 8;
                    for (int lastBlock = to - 32; i <= lastBlock; i += 32) {
                        long any = (long) LONGS.get(bytes, i) | (long) LONGS.get(bytes, i + 8)
                                | (long) LONGS.get(bytes, i + 16) | (long) LONGS.get(bytes, i + 24);
                        if ((any & HIGH_BITS) != 0) {
                            break;
                        }
                    }
                }
                for (int lastWord = to - 8; i <= lastWord; i += 8) {
                    if (((long) LONGS.get(bytes, i) & HIGH_BITS) != 0) {
                        break;
                    }
                }
                if (i == to) {
                    break;
                }
            } else if (state == REJECT) {
                return REJECT;
            }
            state = TRANSITIONS[state + CLASSES[bytes[i] & 0xFF]];
            i++;
        }
        return state;
    }

    /** The same as the array version, on absolute indices of a direct or read-only buffer. */
    private static int advance(ByteBuffer bytes, int from, int to, int state) {
        int i = from;
        while (i < to) {
            if (state == ACCEPT && bytes.get(i) >= 0) {
                for (int lastWord = to - 8; i <= lastWord; i += 8) {
                    if ((bytes.getLong(i) & HIGH_BITS) != 0) {
                        break;
                    }
                }
                if (i == to) {
                    break;
                }
            } else if (state == REJECT) {
                return REJECT;
            }
            state = TRANSITIONS[state + CLASSES[bytes.get(i) & 0xFF]];
            i++;
        }
        return state;
    }
}
