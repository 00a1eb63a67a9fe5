package dev.tether.cli.options;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The request headers the client options make, from the command line as typed. */
class ClientFlagsTest {
    private static final URI TARGET = URI.create("ws://example.test/chat");

    private static List<Map.Entry<String, String>> headers(String... args) {
        ClientFlags flags = new ClientFlags();
        new CommandLine(flags).parseArgs(args);
        flags.check();
        return new ArrayList<>(flags.headers(TARGET).entrySet());
    }

    @Test
    @DisplayName("-H with a name given again (in any case) sends every value, in order, in the field the name first had")
    void aRepeatedHeaderSendsEveryValueInOrder() {
        assertEquals(List.of(Map.entry("X-Token", "a, b, c"), Map.entry("Accept-Language", "en")),
                headers("-H", "X-Token: a", "-H", "Accept-Language: en", "-H", "X-Token: b", "-H", "x-token:c"));
    }

    @Test
    @DisplayName("-H Cookie given again: one Cookie field, its pairs joined with '; ' as RFC 6265 has it")
    void repeatedCookiesGoInOneField() {
        assertEquals(List.of(Map.entry("Cookie", "a=1; b=2")), headers("-H", "Cookie: a=1", "-H", "cookie: b=2"));
    }

    @Test
    @DisplayName("--auth replaces an Authorization given with -H, whatever its case")
    void authReplacesAnAuthorizationHeader() {
        String basic = "Basic " + Base64.getEncoder().encodeToString("ada:pw".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(Map.entry("X-Token", "a"), Map.entry("Authorization", basic)),
                headers("-H", "authorization: Bearer t0ken", "-H", "X-Token: a", "--auth", "ada:pw"));
    }

    @Test
    void aFieldOfOneValueGivenTwiceIsRefused() {
        ClientFlags flags = new ClientFlags();
        new CommandLine(flags).parseArgs("-H", "Authorization: Bearer a", "-H", "authorization: Bearer b");
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, flags::check);
        org.junit.jupiter.api.Assertions.assertEquals("--header authorization is given twice, but it takes one value", refused.getMessage());
    }
}
