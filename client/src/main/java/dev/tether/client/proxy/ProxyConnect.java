package dev.tether.client.proxy;

import dev.tether.client.ProxyOptions;
import dev.tether.client.ProxyRefusedException;
import dev.tether.client.WebSocketConnectException;
import dev.tether.client.WebSocketConnectException.Step;
import dev.tether.client.net.HostLiterals;
import dev.tether.driver.handshake.HandshakeException;
import dev.tether.driver.handshake.HttpHeaders;
import dev.tether.driver.handshake.HttpResponseHead;
import dev.tether.driver.handshake.HttpResponseHeadParser;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code CONNECT} exchange with an HTTP proxy (RFC 9110 §9.3.6), sans-IO: {@link #requestHead()}
 * is what to write, {@link #parse} reads the proxy's answer from whatever bytes arrive, split
 * anywhere. After a 2xx the connection is a tunnel to the target and the bytes after the answer's
 * head (if any arrived in the same read) are the target's, left in the buffer.
 *
 * <p>Interim 1xx answers (other than 101) are skipped, as HTTP requires. A 2xx answer's
 * {@code Content-Length} or {@code Transfer-Encoding} is ignored (RFC 9110 §9.3.6: there is no
 * body). One instance serves one exchange and one thread.
 */
public final class ProxyConnect {
    private final String target;
    private final String proxyAuthority;
    private final boolean sentCredentials;
    private final byte[] requestHead;
    private HttpResponseHeadParser parser = new HttpResponseHeadParser();
    private boolean done;

    /**
     * @param targetHost the server the tunnel goes to, as in its URI: a name or an IP literal (an IPv6
     *                   literal with or without brackets)
     * @param targetPort its port, 1 to 65535
     * @param proxy      the proxy, {@linkplain ProxyOptions#resolveFor resolved}: not
     *                   {@link ProxyOptions#none()} nor {@link ProxyOptions#system()}
     * @throws IllegalArgumentException if the host holds spaces, control or non-ASCII characters, the
     *                                  port is out of range, a header value holds CR, LF or NUL, or
     *                                  the proxy options are not resolved to a proxy
     */
    public ProxyConnect(String targetHost, int targetPort, ProxyOptions proxy) {
        Objects.requireNonNull(targetHost, "targetHost");
        Objects.requireNonNull(proxy, "proxy");
        if (proxy.isDirect() || proxy.isSystem()) {
            throw new IllegalArgumentException("no proxy to CONNECT through: " + proxy + " (resolve system options with resolveFor first)");
        }
        if (targetPort < 1 || targetPort > 65535) throw new IllegalArgumentException("target port out of range: " + targetPort);
        String host = HostLiterals.unbracketed(targetHost);
        if (host.isEmpty()) throw new IllegalArgumentException("empty target host");
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c <= ' ' || c >= 0x7F) {
                throw new IllegalArgumentException("target host " + targetHost.strip() + " holds a space, control or non-ASCII"
                        + " character at index " + i + " (IDN host names go in their ASCII form, xn--…)");
            }
        }
        this.target = HostLiterals.authority(host, targetPort);
        this.proxyAuthority = HostLiterals.authority(proxy.host(), proxy.port());
        this.sentCredentials = proxy.authorization() != null;

        // HttpHeaders refuses CR, LF and NUL in every value, so nothing here can split the request
        HttpHeaders headers = new HttpHeaders().add("Host", target);
        if (proxy.authorization() != null) headers.add("Proxy-Authorization", proxy.authorization());
        proxy.headers().forEach(headers::add);
        StringBuilder head = new StringBuilder(128).append("CONNECT ").append(target).append(" HTTP/1.1\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        this.requestHead = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The request to write to the proxy: {@code CONNECT host:port HTTP/1.1}, its headers and the blank line. A fresh copy. */
    public byte[] requestHead() {
        return requestHead.clone();
    }

    /**
     * Reads the proxy's answer from {@code in}, consuming only the bytes of its head: what follows a
     * 2xx head belongs to the tunnel and stays in {@code in}.
     *
     * @return null while the head is incomplete (all of {@code in} consumed; call again with more),
     *         or the head of a 2xx answer: the tunnel is open
     * @throws ProxyRefusedException     if the proxy answered with another status
     * @throws WebSocketConnectException with {@link Step#PROXY} if the answer is not HTTP or its head
     *                                   exceeds {@value HttpResponseHeadParser#DEFAULT_MAX_HEAD_BYTES}
     *                                   bytes
     * @throws IllegalStateException     if this exchange already returned a head or threw
     */
    public HttpResponseHead parse(ByteBuffer in) throws WebSocketConnectException {
        if (done) throw new IllegalStateException("this CONNECT exchange is over");
        try {
            while (true) {
                HttpResponseHead head = parser.parse(in);
                if (head == null) return null;
                int status = head.status();
                if (status >= 100 && status < 200 && status != 101) {
                    parser = new HttpResponseHeadParser();
                    continue;
                }
                done = true;
                if (status >= 200 && status < 300) return head;
                throw refused(head);
            }
        } catch (HandshakeException e) {
            done = true;
            throw new WebSocketConnectException(Step.PROXY, "the proxy " + proxyAuthority + " answered CONNECT " + target
                    + " with a malformed response: " + e.getMessage(), e);
        }
    }

    private ProxyRefusedException refused(HttpResponseHead head) {
        HttpHeaders headers = head.headers();
        StringBuilder message = new StringBuilder("the proxy ").append(proxyAuthority).append(" refused the tunnel to ")
                .append(target).append(": ").append(head.status());
        if (!head.reason().isEmpty()) message.append(' ').append(head.reason());
        List<String> challenges = headers.all("Proxy-Authenticate");
        if (!challenges.isEmpty()) message.append(" (Proxy-Authenticate: ").append(String.join(", ", challenges)).append(')');
        if (head.status() == 407) {
            message.append(sentCredentials ? "; the credentials sent were not accepted"
                    : "; it wants credentials: give them in the proxy URI, http://user:password@host:port");
        }
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (String name : headers.names()) map.put(name, headers.all(name));
        return new ProxyRefusedException(message.toString(), head.status(), map);
    }
}
