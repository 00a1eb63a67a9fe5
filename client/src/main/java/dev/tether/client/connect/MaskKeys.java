package dev.tether.client.connect;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.function.IntSupplier;

/**
 * A connection's masking keys: unpredictable (RFC 6455 §5.3 wants them from a strong source of
 * entropy), taken from a shared {@link SecureRandom} a batch at a time, so a connection sending many
 * small frames does not queue on its lock for each. Used under the connection's own lock.
 */
final class MaskKeys implements IntSupplier {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int BATCH = 64;

    private final ByteBuffer keys = ByteBuffer.allocate(BATCH * Integer.BYTES).position(BATCH * Integer.BYTES);

    @Override
    public int getAsInt() {
        if (!keys.hasRemaining()) {
            RANDOM.nextBytes(keys.array());
            keys.clear();
        }
        return keys.getInt();
    }

    /** The source of handshake keys. */
    static SecureRandom random() {
        return RANDOM;
    }
}
