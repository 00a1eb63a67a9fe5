package dev.tether.driver;

import dev.tether.protocol.Role;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void fragmentSizeIsAtLeastOneByte() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DriverOptions.builder(Role.SERVER).fragmentSize(0));
        assertEquals("fragmentSize must be at least 1 byte: 0", e.getMessage());
    }

    @Test
    void withProtocolsKeepsEverythingElse() {
        DriverOptions options = DriverOptions.builder(Role.CLIENT).maxLength(100).deliverFragments(true).fragmentSize(10)
                .header("Origin", "http://example.com").protocols("a").build().withProtocols("b");
        assertEquals(List.of("b"), options.protocols());
        assertEquals(100, options.maxLength());
        assertTrue(options.deliverFragments());
        assertEquals(10, options.fragmentSize());
        assertEquals("http://example.com", options.headers().get("Origin"));
    }
}
