package dev.tether.client.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** IP literals told from host names without DNS; authorities with IPv6 literals bracketed. */
class HostLiteralsTest {
    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "127.1", "::1", "[::1]", "[2001:db8::7]", "fe80::1%eth0", "::ffff:192.0.2.1"})
    void ipLiteralsAreRecognised(String host) {
        assertTrue(HostLiterals.isIpLiteral(host), host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "example.com", "example.com.", "1password.com", "a1.b2", "xn--bcher-kva.example", "my_host"})
    void hostNamesAreNot(String host) {
        assertFalse(HostLiterals.isIpLiteral(host), host);
    }

    @ParameterizedTest
    @CsvSource({"example.com, example.com", "[::1], ::1", "::1, ::1", "[, [", "127.0.0.1, 127.0.0.1"})
    void bracketsComeOffIpv6LiteralsOnly(String host, String unbracketed) {
        assertEquals(unbracketed, HostLiterals.unbracketed(host));
    }

    @ParameterizedTest
    @CsvSource({"example.com, 443, example.com:443", "::1, 8080, [::1]:8080", "[::1], 8080, [::1]:8080",
            "127.0.0.1, 80, 127.0.0.1:80"})
    void authoritiesBracketIpv6Literals(String host, int port, String authority) {
        assertEquals(authority, HostLiterals.authority(host, port));
    }
}
