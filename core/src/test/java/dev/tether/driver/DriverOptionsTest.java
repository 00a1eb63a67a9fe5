package dev.tether.driver;

import dev.tether.protocol.Role;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriverOptionsTest {

    @Test
    void fragmentDefaultsKeepMessagesWhole() {
        DriverOptions options = DriverOptions.defaults(Role.SERVER);
        assertFalse(options.deliverFragments());
        assertEquals(64 * 1024, options.fragmentSize());
    }

    @Test
    void sendsAreSplitIntoFramesOf64KiBByDefault() {
        assertEquals(64 * 1024, DriverOptions.defaults(Role.CLIENT).sendFrameSize());
        assertEquals(0, DriverOptions.builder(Role.SERVER).sendFrameSize(0).build().sendFrameSize(), "0 turns splitting off");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DriverOptions.builder(Role.SERVER).sendFrameSize(-1));
        assertEquals("sendFrameSize must not be negative (0 turns splitting off): -1", e.getMessage());
    }

    @Test
    void fragmentSizeIsAtLeastOneByte() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DriverOptions.builder(Role.SERVER).fragmentSize(0));
        assertEquals("fragmentSize must be at least 1 byte: 0", e.getMessage());
    }

    @Test
    void maxLengthSetsTheFrameAndTheMessageLimit() {
        DriverOptions options = DriverOptions.builder(Role.SERVER).maxLength(100).build();
        assertEquals(100, options.maxFrameLength());
        assertEquals(100, options.maxMessageLength());
    }

    @Test
    void theMessageLimitMayBeOffButAWholeMessageStaysWithinAnArray() {
        DriverOptions options = DriverOptions.builder(Role.SERVER).maxMessageLength(DriverOptions.NO_MESSAGE_LIMIT).build();
        assertEquals(Long.MAX_VALUE, options.maxMessageLength());
        assertEquals(DriverOptions.LARGEST_WHOLE_MESSAGE, options.maxWholeMessageLength());
        assertEquals(DriverOptions.DEFAULT_MAX_LENGTH, options.maxFrameLength());
    }

    @Test
    void limitsOutOfRangeAreRefused() {
        assertEquals("maxMessageLength must be at least 1 byte: 0", assertThrows(IllegalArgumentException.class,
                () -> DriverOptions.builder(Role.SERVER).maxMessageLength(0)).getMessage());
        assertEquals("maxFrameLength must be 1 to 2147483639 bytes: 2147483640", assertThrows(IllegalArgumentException.class,
                () -> DriverOptions.builder(Role.SERVER).maxFrameLength(Integer.MAX_VALUE - 7)).getMessage());
    }

    @Test
    void withProtocolsKeepsEverythingElse() {
        DriverOptions options = DriverOptions.builder(Role.CLIENT).maxFrameLength(100).maxMessageLength(1000)
                .deliverFragments(true).fragmentSize(10).sendFrameSize(20)
                .header("Origin", "http://example.com").protocols("a").build().withProtocols("b");
        assertEquals(List.of("b"), options.protocols());
        assertEquals(100, options.maxFrameLength());
        assertEquals(1000, options.maxMessageLength());
        assertTrue(options.deliverFragments());
        assertEquals(10, options.fragmentSize());
        assertEquals(20, options.sendFrameSize());
        assertEquals("http://example.com", options.headers().get("Origin"));
    }

    @Test
    void withProtocolsKeepsTheExtensionContextItsConnectionsShare() {
        DriverOptions options = DriverOptions.builder(Role.SERVER).protocols("a").build();
        assertSame(options.extensionContext(), options.withProtocols("b").extensionContext());
    }
}
