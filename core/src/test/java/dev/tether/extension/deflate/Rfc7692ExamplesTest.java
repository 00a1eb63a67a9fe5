package dev.tether.extension.deflate;

import dev.tether.api.CloseCodes;
import dev.tether.message.Message;
import dev.tether.message.MessageType;
import dev.tether.protocol.ProtocolException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.tether.extension.deflate.Sessions.MAX;
import static dev.tether.extension.deflate.Sessions.bytes;
import static dev.tether.extension.deflate.Sessions.hex;
import static dev.tether.extension.deflate.Sessions.inflate;
import static dev.tether.extension.deflate.Sessions.splits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The byte examples of RFC 7692 §7.2.3, each received whole, split in two at every offset, and one
 * byte at a time; and what our compressor makes of "Hello".
 */
class Rfc7692ExamplesTest {
    private static final PerMessageDeflate DEFLATE = PerMessageDeflate.builder().threshold(0).build();
    private static final String HELLO = "Hello";

    private static DeflateSession fresh() {
        return Sessions.server(DEFLATE, "permessage-deflate", MAX);
    }

    @ParameterizedTest(name = "§{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            7.2.3.1 | one compressed block (and fragmented, at offset 3) | f2 48 cd c9 c9 07 00                   | Hello
            7.2.3.3 | a block with no compression                        | 00 05 00 fa ff 48 65 6c 6c 6f 00       | Hello
            7.2.3.4 | a block with BFINAL set                            | f3 48 cd c9 c9 07 00 00                | Hello
            7.2.3.5 | two blocks in one message                          | f2 48 05 00 00 00 ff ff ca c9 c9 07 00 | Hello
            """)
    void inflatesTheExample(String section, String what, String compressed, String text) throws ProtocolException {
        for (List<byte[]> parts : splits(hex(compressed))) {
            assertEquals(text, new String(inflate(fresh(), parts), StandardCharsets.UTF_8), section + " " + what);
        }
    }

    @Test
    void inflatesTheEmptyBlockAsAnEmptyMessage_7_2_3_6() throws ProtocolException {
        for (List<byte[]> parts : splits(hex("00"))) {
            assertEquals(0, inflate(fresh(), parts).length);
        }
    }

    @Test
    void inflatesAnEmptyCompressedPayloadAsAnEmptyMessage() throws ProtocolException {
        DeflateSession session = fresh();
        assertEquals(0, inflate(session, List.of(new byte[0], new byte[0])).length);
        assertEquals(HELLO, new String(inflate(session, List.of(hex("f2 48 cd c9 c9 07 00"))), StandardCharsets.UTF_8));
    }

    @Test
    void sharesTheSlidingWindowAcrossMessages_7_2_3_2() throws ProtocolException {
        for (List<byte[]> parts : splits(hex("f2 00 11 00 00"))) {
            DeflateSession session = fresh();
            assertEquals(HELLO, new String(inflate(session, List.of(hex("f2 48 cd c9 c9 07 00"))), StandardCharsets.UTF_8));
            assertEquals(HELLO, new String(inflate(session, parts), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aStreamEndedWithBfinalIsFollowedByAFreshOne_7_2_3_4() throws ProtocolException {
        DeflateSession session = fresh();
        assertEquals(HELLO, new String(inflate(session, List.of(hex("f3 48 cd c9 c9 07 00 00"))), StandardCharsets.UTF_8));
        assertEquals(HELLO, new String(inflate(session, List.of(hex("f2 48 cd c9 c9 07 00"))), StandardCharsets.UTF_8));
    }

    @Test
    void aBfinalBlockMayEndWithoutTheEmptyBlockAfterIt() throws ProtocolException {
        for (List<byte[]> parts : splits(hex("f3 48 cd c9 c9 07 00"))) {
            assertEquals(HELLO, new String(inflate(fresh(), parts), StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest(name = "{0}")
    @DisplayName("data after a BFINAL block would be lost: it fails with 1007")
    @ValueSource(strings = {
            "f3 48 cd c9 c9 07 00 f2 48 cd c9 c9 07 00", // a second "Hello" after the end of the stream
            "f3 48 cd c9 c9 07 00 00 00",                // the empty block, then more
            "f3 48 cd c9 c9 07 00 01",                   // a byte that is not the empty block's header
            "01 02 00 fd ff"})                           // a final stored block that takes part of the tail
    void dataAfterABfinalBlockFailsWith1007(String payload) {
        for (List<byte[]> parts : splits(hex(payload))) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> inflate(fresh(), parts));
            assertEquals(CloseCodes.INVALID_PAYLOAD, e.closeCode(), e.getMessage());
        }
    }

    @Test
    void compressesHelloAsTheRfcDoes_7_2_3_1_and_7_2_3_2() {
        DeflateSession session = fresh();
        assertEquals("f2 48 cd c9 c9 07 00", hex(send(session, HELLO)));
        assertEquals("f2 00 11 00 00", hex(send(session, HELLO)), "the second refers back to the first");
    }

    @Test
    void withoutContextTakeoverEachHelloIsCompressedAlike() {
        DeflateSession session = Sessions.server(DEFLATE, "permessage-deflate; server_no_context_takeover", MAX);
        assertEquals("f2 48 cd c9 c9 07 00", hex(send(session, HELLO)));
        assertEquals("f2 48 cd c9 c9 07 00", hex(send(session, HELLO)));
    }

    @Test
    void compressesAnEmptyMessageToTheEmptyBlock_7_2_3_6() {
        DeflateSession session = fresh();
        assertEquals("00", hex(send(session, "")));
        assertEquals("f2 48 cd c9 c9 07 00", hex(send(session, HELLO)));
        assertEquals("00", hex(send(session, "")), "after a flush, too");
    }

    private static byte[] send(DeflateSession session, String text) {
        Message sent = session.processOutgoing(new Message(MessageType.TEXT, 0,
                ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))));
        assertEquals(Message.RSV1, sent.rsv());
        return bytes(sent.payload());
    }
}
