package dev.tether.driver.hybi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tether.api.CloseCodes;
import dev.tether.driver.DriverEvents;
import dev.tether.driver.DriverOptions;
import dev.tether.extension.ExtensionContext;
import dev.tether.extension.Extensions;
import dev.tether.message.BufferPool;
import dev.tether.protocol.ProtocolException;
import dev.tether.protocol.Role;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A server driver given a pool: which messages it lends, and that no loan outlives the connection. */
class HybiDriverLendingTest {
    private static final int MIB = 1 << 20;

    private final BufferPool pool = new BufferPool(false, 4 * MIB, 64 * MIB);
    private final List<ByteBuffer> binaries = new ArrayList<>();
    private final List<Integer> errors = new ArrayList<>();
    private final DriverEvents events = new DriverEvents() {
        @Override
        public void onBinary(ByteBuffer data) {
            binaries.add(data);
        }

        @Override
        public void onError(ProtocolException error) {
            errors.add(error.closeCode());
        }
    };

    private HybiDriver driver(Extensions extensions) {
        HybiDriver driver = new HybiDriver(Role.SERVER, 13, DriverOptions.DEFAULT_MAX_LENGTH, extensions, null,
                () -> Drivers.FIXED_MASK, events, (kind, buffers) -> { }, pool);
        driver.start();
        return driver;
    }

    private static Extensions none() {
        return new Extensions(List.of(), new ExtensionContext(Role.SERVER, DriverOptions.DEFAULT_MAX_LENGTH));
    }

    private static byte[] largeFrame(byte[] payload) {
        return RawFrame.op(Opcode.BINARY).payload(payload).bytes();
    }

    @Test
    @DisplayName("a large binary message is delivered in a lent buffer, unmasked")
    void lendsLargeBinaryMessages() {
        byte[] payload = new byte[MIB];
        new Random(11).nextBytes(payload);
        driver(none()).parse(ByteBuffer.wrap(largeFrame(payload)));

        assertEquals(1, binaries.size());
        assertEquals(ByteBuffer.wrap(payload), binaries.get(0));
        assertEquals(1, pool.lentCount());
        pool.release(binaries.get(0));
        assertEquals(0, pool.lentCount());
    }

    @Test
    @DisplayName("a connection that ends in the middle of a large frame gives its buffer back")
    void endOfInputMidMessageGivesTheBufferBack() {
        byte[] frame = largeFrame(new byte[MIB]);
        HybiDriver driver = driver(none());
        driver.parse(ByteBuffer.wrap(frame, 0, 600_000)); // over half: lent from here on
        assertEquals(1, pool.lentCount());
        driver.endOfInput();
        assertEquals(0, pool.lentCount());
    }

    @Test
    @DisplayName("a large message that arrives after our close frame is read, not delivered, and its buffer given back")
    void messageAfterOurCloseIsGivenBack() {
        HybiDriver driver = driver(none());
        driver.close(CloseCodes.NORMAL, "");
        driver.parse(ByteBuffer.wrap(largeFrame(new byte[MIB])));
        assertEquals(0, binaries.size());
        assertEquals(0, pool.lentCount());
    }

    @Test
    @DisplayName("with an extension negotiated nothing is lent: an extension may replace the payload")
    void extensionsTurnLendingOff() {
        Extensions extensions = Drivers.negotiated(Drivers.passThrough());
        driver(extensions).parse(ByteBuffer.wrap(largeFrame(new byte[MIB])));
        assertEquals(1, binaries.size());
        assertEquals(0, pool.bytes());
    }
}
