package dev.tether.driver.hybi;

import dev.tether.message.Fragment;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the fragment path takes memory for a frame's pieces: as bytes arrive, never far ahead of them. */
class FragmentReaderTest {
    private static final int KIB = 1024;

    @Test
    @DisplayName("a peer that announces a 256 KiB frame and sends one byte makes the reader hold a few KiB, not a 64 KiB piece")
    void oneByteOfAHugeFrame() throws Exception {
        FragmentReader reader = new FragmentReader(new MessageLimits(1 << 26, 1 << 26), 64 * KIB, fragment -> { });
        reader.frameStart(Opcode.BINARY, true, 0, 256 * KIB);
        reader.payload(ByteBuffer.wrap(new byte[1]));
        assertEquals(2 + 4 * KIB, reader.pieceCapacity());
    }

    @Test
    @DisplayName("a frame read 1 KiB at a time: its piece grows with what arrived, and the pieces handed on are still 64 KiB each")
    void piecesGrowWithWhatArrived() throws Exception {
        List<Fragment> handed = new ArrayList<>();
        FragmentReader reader = new FragmentReader(new MessageLimits(1 << 26, 1 << 26), 64 * KIB, handed::add);
        reader.frameStart(Opcode.BINARY, true, 0, 160 * KIB);
        for (int i = 0; i < 160; i++) {
            reader.payload(ByteBuffer.wrap(new byte[KIB]));
            long arrivedInPiece = (i % 64) + 1L;
            assertTrue(reader.pieceCapacity() == 0 || reader.pieceCapacity() <= 2 * arrivedInPiece * KIB + 4 * KIB,
                    reader.pieceCapacity() + " bytes for " + arrivedInPiece + " KiB");
        }
        reader.frameEnd(true);
        assertEquals(List.of(64 * KIB, 64 * KIB, 32 * KIB), handed.stream().map(f -> f.payload().remaining()).toList());
        assertTrue(handed.get(2).last());
    }
}
