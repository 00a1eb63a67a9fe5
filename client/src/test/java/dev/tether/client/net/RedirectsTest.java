package dev.tether.client.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The redirect rules both clients share. */
class RedirectsTest {
    private static final URI FROM = URI.create("https://Example.com/a/events");

    @Test
    void onlyTheFiveRedirectStatusesRedirect() {
        for (int status : new int[]{301, 302, 303, 307, 308}) assertTrue(Redirects.isRedirect(status), "" + status);
        for (int status : new int[]{200, 300, 304, 305, 306, 309, 404}) assertFalse(Redirects.isRedirect(status), "" + status);
    }

    @Test
    void locationsResolveAgainstTheRequestAndNonsenseIsNone() {
        assertEquals(URI.create("https://Example.com/a/stream"), Redirects.resolve(FROM, " stream "));
        assertEquals(URI.create("https://Example.com/b"), Redirects.resolve(FROM, "/b"));
        assertEquals(URI.create("http://other:8080/x"), Redirects.resolve(FROM, "http://other:8080/x"));
        assertNull(Redirects.resolve(FROM, null));
        assertNull(Redirects.resolve(FROM, "  "));
        assertNull(Redirects.resolve(FROM, "http://bad host/"));
    }

    @Test
    void anOriginIsSchemeHostAndPortWithDefaultsMadeExplicit() {
        assertTrue(Redirects.sameOrigin(FROM, URI.create("https://example.COM:443/elsewhere")));
        assertTrue(Redirects.sameOrigin(URI.create("ws://h/x"), URI.create("http://h:80/y")), "ws and http count as one");
        assertFalse(Redirects.sameOrigin(FROM, URI.create("http://example.com:443/")), "another scheme");
        assertFalse(Redirects.sameOrigin(FROM, URI.create("https://example.com:8443/")), "another port");
        assertFalse(Redirects.sameOrigin(FROM, URI.create("https://sub.example.com/")), "another host");
    }

    @Test
    void leavingTlsIsASecureSchemeGoingToAPlainOne() {
        assertTrue(Redirects.leavesTls(FROM, URI.create("http://example.com/")));
        assertTrue(Redirects.leavesTls(URI.create("wss://h/"), URI.create("ws://h/")));
        assertFalse(Redirects.leavesTls(URI.create("http://h/"), FROM));
        assertFalse(Redirects.leavesTls(FROM, URI.create("wss://h/")));
    }
}
