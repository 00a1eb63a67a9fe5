package dev.tether.cli.format;

import dev.tether.api.CloseStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CloseTextTest {
    @Test
    @DisplayName("a close reads as its code, what the code means, the reason (escaped), and whether it was clean")
    void describes() {
        assertEquals("1000 (normal closure)", CloseText.describe(new CloseStatus(1000, "", true)));
        assertEquals("1009 (message too big) \"too big\"", CloseText.describe(new CloseStatus(1009, "too big", true)));
        assertEquals("4001 (application's code) \"bye\\e[0m\"", CloseText.describe(new CloseStatus(4001, "bye\u001b[0m", true)));
        assertEquals("1006 (connection lost), without a close handshake", CloseText.describe(new CloseStatus(1006, "", false)));
        assertEquals("3000 (registered code)", CloseText.describe(new CloseStatus(3000, "", true)));
    }
}
