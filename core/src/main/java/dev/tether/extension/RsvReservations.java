package dev.tether.extension;

import dev.tether.message.Message;

/**
 * Which active extension holds each RSV bit: two extensions that set the same bit would make a
 * received message ambiguous, so only the first negotiated may have it (RFC 6455 §5.2).
 */
final class RsvReservations {
    private static final int[] BITS = {Message.RSV1, Message.RSV2, Message.RSV3};

    /** Made by the first reservation: most connections have no extension. */
    private String[] holders;

    /**
     * Describes why {@code extension} cannot be reserved, e.g. {@code RSV1 is already used by
     * "deflate"}, or returns null when all its bits are free.
     */
    String conflict(Extension extension) {
        int bits = extension.rsvBits();
        for (int i = 0; i < BITS.length; i++) {
            if ((bits & BITS[i]) != 0 && holders != null && holders[i] != null) {
                return "RSV" + (i + 1) + " is already used by \"" + holders[i] + "\"";
            }
        }
        return null;
    }

    /** Records {@code extension} as the holder of its bits; check {@link #conflict} first. */
    void reserve(Extension extension) {
        int bits = extension.rsvBits();
        if (holders == null) {
            holders = new String[BITS.length];
        }
        for (int i = 0; i < BITS.length; i++) {
            if ((bits & BITS[i]) != 0) {
                holders[i] = extension.name();
            }
        }
    }

    /** The bits reserved so far, as a mask of {@link Message#RSV1} … */
    int bits() {
        int mask = 0;
        for (int i = 0; holders != null && i < BITS.length; i++) {
            if (holders[i] != null) {
                mask |= BITS[i];
            }
        }
        return mask;
    }
}
