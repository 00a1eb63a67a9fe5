package dev.tether.handshake;

import dev.tether.driver.Driver;
import dev.tether.driver.DriverEvents;
import dev.tether.driver.DriverOptions;
import dev.tether.driver.WireOutput;
import dev.tether.api.HandshakeInfo;
import dev.tether.driver.handshake.AcceptKey;
import dev.tether.driver.handshake.ClientHandshakeInfo;
import dev.tether.driver.handshake.HandshakeException;
import dev.tether.driver.handshake.HeaderTokens;
import dev.tether.driver.handshake.HttpHeaders;
import dev.tether.driver.handshake.HttpResponseHead;
import dev.tether.driver.hybi.HybiDriver;
import dev.tether.extension.Extensions;
import dev.tether.message.BufferPool;
import dev.tether.protocol.Role;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.IntSupplier;

/**
 * The client's side of the RFC 6455 opening handshake: a random key, the request head, and a strict
 * check of the server's response (status 101, {@code Upgrade}, {@code Connection},
 * {@code Sec-WebSocket-Accept}, a subprotocol that was offered, extensions that were offered), each
 * failure saying which check failed.
 *
 * <p>It speaks version 13 (RFC 6455) or, on request, version 8 (draft-ietf-hybi-thewebsocketprotocol-08,
 * node's {@code ws} {@code protocolVersion: 8}). The two differ only in the request: version 8 sends
 * {@code Sec-WebSocket-Version: 8} and calls the origin {@code Sec-WebSocket-Origin}; the key, the
 * accept check and the framing are the same.
 *
 * <p>A client drives it in order: write {@link #requestHead()}, read the response head, pass it to
 * {@link #validate}, then take the connection's driver from {@link #newDriver}. If it stops before
 * that, it calls {@link #abandon()} to release the extensions. {@link ClientDriver} does all of this
 * over one byte stream. Not thread-safe.
 */
public final class ClientHandshake {
    private final URI uri;
    private final DriverOptions options;
    private final int version;
    private final String key;
    private final Extensions extensions;
    private final String extensionOffer;
    private final HttpHeaders requestHeaders;
    private String protocol;
    private State state = State.OFFERED;

    /** Where the handshake is: offered; response refused or validated; driver made; or abandoned. */
    private enum State { OFFERED, REFUSED, VALIDATED, DRIVING, ABANDONED }

    /** Where hybi-08 (and node's {@code ws} below version 13) sends the origin. */
    private static final String ORIGIN_8 = "Sec-WebSocket-Origin";

    /**
     * The request headers the handshake sets itself, each with what to do instead of giving it in the
     * options' headers (lower case: names are compared ignoring ASCII case).
     */
    private static final Map<String, String> PROTOCOL_HEADERS = Map.of(
            "host", "it is taken from the URI",
            "upgrade", "the handshake sends \"websocket\"",
            "connection", "the handshake sends \"Upgrade\"",
            "sec-websocket-key", "the handshake makes a fresh key",
            "sec-websocket-version", "the handshake sends its own version",
            "sec-websocket-protocol", "offer subprotocols with the options' protocols(...)",
            "sec-websocket-extensions", "offer extensions with the options' extension(...)");

    /**
     * @param uri     a {@code ws://} or {@code wss://} URI with a host
     * @param options client options: subprotocols to offer, extensions, extra headers (e.g. Origin);
     *                the extra headers may not be ones the handshake sets itself ({@code Host},
     *                {@code Upgrade}, {@code Connection}, {@code Sec-WebSocket-Key},
     *                {@code Sec-WebSocket-Version}, {@code Sec-WebSocket-Protocol},
     *                {@code Sec-WebSocket-Extensions})
     * @param random  the source of the key; pass a {@link java.security.SecureRandom}
     * @throws IllegalArgumentException for a URI that is not {@code ws://} or {@code wss://} with a
     *                                  host, a subprotocol that is not a token, an extra header the
     *                                  handshake sets itself, or one whose name is not a token or whose
     *                                  value holds CR, LF, NUL or a character above U+00FF
     */
    public ClientHandshake(URI uri, DriverOptions options, Random random) {
        this(uri, options, 13, random);
    }

    /**
     * A handshake for {@code Sec-WebSocket-Version} {@code version}. For version 8 an {@code Origin}
     * in the options' headers is sent as {@code Sec-WebSocket-Origin}, where that draft has it.
     *
     * @param uri     a {@code ws://} or {@code wss://} URI with a host
     * @param options client options, as for {@link #ClientHandshake(URI, DriverOptions, Random)}
     * @param version 13 (RFC 6455) or 8 (hybi-08)
     * @param random  the source of the key; pass a {@link java.security.SecureRandom}
     * @throws IllegalArgumentException for another version, for version 8 with both {@code Origin} and
     *                                  {@code Sec-WebSocket-Origin} in the options' headers, and as
     *                                  {@link #ClientHandshake(URI, DriverOptions, Random)}
     */
    public ClientHandshake(URI uri, DriverOptions options, int version, Random random) {
        this.uri = Objects.requireNonNull(uri, "uri");
        this.options = Objects.requireNonNull(options, "options");
        if (version != 13 && version != 8) {
            throw new IllegalArgumentException("unsupported WebSocket version " + version + ": a client speaks 13 or 8");
        }
        this.version = version;
        if (options.role() != Role.CLIENT) {
            throw new IllegalArgumentException("client handshake needs client options, not " + options.role());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw new IllegalArgumentException("a WebSocket URI starts with ws:// or wss://, not: " + uri);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("a WebSocket URI needs a host: " + uri);
        }
        for (String p : options.protocols()) {
            if (!HeaderTokens.isToken(p)) {
                throw new IllegalArgumentException("subprotocol \"" + p + "\" is not a token");
            }
        }
        options.headers().forEach(new HttpHeaders()::set); // names must be tokens, values free of CR, LF, NUL
        for (String name : options.headers().keySet()) {
            String instead = PROTOCOL_HEADERS.get(name.toLowerCase(Locale.ROOT));
            if (instead != null) {
                throw new IllegalArgumentException("the handshake sets the " + name
                        + " header itself; remove it from the options' headers (" + instead + ")");
            }
        }
        if (version == 8 && options.headers().keySet().stream().anyMatch(n -> n.equalsIgnoreCase("Origin"))
                && options.headers().keySet().stream().anyMatch(n -> n.equalsIgnoreCase(ORIGIN_8))) {
            throw new IllegalArgumentException("version 8 sends the Origin header as " + ORIGIN_8
                    + "; give one of the two in the options' headers, not both");
        }
        this.key = AcceptKey.newKey(random);
        this.extensions = new Extensions(options.extensions(), options.extensionContext());
        this.extensionOffer = extensions.generateOffer();
        this.requestHeaders = buildRequestHeaders();
    }

    /**
     * The {@code Sec-WebSocket-Version} sent: 13 or 8.
     *
     * @return the version this handshake speaks
     */
    public int version() {
        return version;
    }

    /**
     * The {@code Sec-WebSocket-Key} sent.
     *
     * @return the key: 16 random bytes in base64
     */
    public String key() {
        return key;
    }

    /**
     * The request head to write, ending with the blank line.
     *
     * @return the request line and headers, in ISO-8859-1; a new array on each call
     */
    public byte[] requestHead() {
        StringBuilder head = new StringBuilder("GET ").append(target()).append(" HTTP/1.1\r\n");
        requestHeaders().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * The headers of the request, in the order {@link #requestHead()} writes them (read-only).
     *
     * @return a read-only view of the request headers
     */
    public HttpHeaders requestHeaders() {
        return requestHeaders;
    }

    private HttpHeaders buildRequestHeaders() {
        HttpHeaders headers = new HttpHeaders()
                .set("Host", hostHeader())
                .set("Upgrade", "websocket")
                .set("Connection", "Upgrade")
                .set("Sec-WebSocket-Key", key)
                .set("Sec-WebSocket-Version", Integer.toString(version));
        if (!options.protocols().isEmpty()) {
            headers.set("Sec-WebSocket-Protocol", String.join(", ", options.protocols()));
        }
        if (extensionOffer != null) {
            headers.set("Sec-WebSocket-Extensions", extensionOffer);
        }
        options.headers().forEach((name, value) ->
                headers.set(version == 8 && name.equalsIgnoreCase("Origin") ? ORIGIN_8 : name, value));
        return headers.readOnlyView();
    }

    /**
     * This handshake as the client socket's {@link HandshakeInfo}: the URI, the request headers sent,
     * and {@code response}, whether or not it passed {@link #validate}.
     *
     * @param response      the server's response head
     * @param remoteAddress the server's address as the transport connected to it; may be unresolved
     * @return an immutable description of the handshake
     */
    public HandshakeInfo info(HttpResponseHead response, InetSocketAddress remoteAddress) {
        return ClientHandshakeInfo.of(uri, requestHeaders(), response, remoteAddress);
    }

    private String target() {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    /**
     * The URI's host, and its port unless it is the scheme's default. An IPv6 literal keeps its
     * brackets and loses its zone ID, which means something only on this machine (RFC 6874).
     */
    private String hostHeader() {
        String host = uri.getHost();
        int zone = host.indexOf('%');
        if (host.startsWith("[") && zone > 0) {
            host = host.substring(0, zone) + "]";
        }
        int port = uri.getPort();
        boolean secure = uri.getScheme().equalsIgnoreCase("wss");
        boolean defaultPort = port == -1 || (secure && port == 443) || (!secure && port == 80);
        return defaultPort ? host : host + ":" + port;
    }

    /**
     * Checks the server's response; on success the subprotocol and extensions are agreed and
     * {@link #newDriver} may be called. A handshake checks one response: call this once.
     *
     * @param response the server's response head
     * @throws HandshakeException    naming the first check that failed (an extension that threw on
     *                               the server's answer is one, its exception the cause); the
     *                               handshake is then over, and {@link #abandon()} releases its
     *                               extensions
     * @throws IllegalStateException if a response was already checked, or the handshake abandoned
     */
    public void validate(HttpResponseHead response) throws HandshakeException {
        Objects.requireNonNull(response, "response");
        switch (state) {
            case OFFERED -> state = State.REFUSED; // until every check has passed
            case ABANDONED -> throw new IllegalStateException("validate after abandon(): the handshake is over");
            default -> throw new IllegalStateException("validate called twice: a handshake checks one response");
        }
        if (response.status() != 101) {
            throw new HandshakeException("unexpected response status " + response.status() + " (expected 101 Switching Protocols)"
                    + versionsWanted(response));
        }
        HttpHeaders headers = response.headers();
        if (!HeaderTokens.containsToken(headers.all("Upgrade"), "websocket")) {
            throw new HandshakeException("the response's Upgrade header is not \"websocket\"");
        }
        if (!HeaderTokens.containsToken(headers.all("Connection"), "upgrade")) {
            throw new HandshakeException("the response's Connection header does not include \"Upgrade\"");
        }
        List<String> accepts = headers.all("Sec-WebSocket-Accept");
        if (accepts.size() != 1 || !accepts.get(0).trim().equals(AcceptKey.accept(key))) {
            throw new HandshakeException("Sec-WebSocket-Accept does not match the key sent");
        }
        List<String> protocols = headers.all("Sec-WebSocket-Protocol");
        if (protocols.size() > 1) {
            throw new HandshakeException("the server sent more than one Sec-WebSocket-Protocol");
        }
        String chosen = null;
        if (protocols.size() == 1) {
            chosen = protocols.get(0).trim();
            if (!options.protocols().contains(chosen)) {
                throw new HandshakeException("the server chose subprotocol \"" + chosen + "\", which was not offered");
            }
        }
        List<String> agreed = headers.all("Sec-WebSocket-Extensions");
        try {
            extensions.activate(agreed.isEmpty() ? null : String.join(", ", agreed));
        } catch (IllegalArgumentException e) {
            throw new HandshakeException(e.getMessage());
        } catch (RuntimeException e) {
            // An extension's code threw on what the server sent: a server can reach that bug at
            // will, so it is a failed handshake too, not an exception loose in the caller's read.
            HandshakeException failed = new HandshakeException(
                    "Sec-WebSocket-Extensions: an extension failed on the server's answer: " + e);
            failed.initCause(e);
            throw failed;
        }
        protocol = chosen;
        state = State.VALIDATED;
    }

    /**
     * For a 426 Upgrade Required (RFC 6455 §4.4), the versions the server lists in
     * {@code Sec-WebSocket-Version}, as a clause for the error; only numbers are repeated.
     */
    private static String versionsWanted(HttpResponseHead response) {
        if (response.status() != 426) {
            return "";
        }
        List<String> versions = new ArrayList<>();
        for (String value : response.headers().all("Sec-WebSocket-Version")) {
            for (String v : value.split(",", -1)) {
                String number = v.trim();
                if (!number.isEmpty() && number.length() <= 3 && number.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    versions.add(number);
                }
            }
        }
        return versions.isEmpty() ? "" : "; the server speaks Sec-WebSocket-Version " + String.join(", ", versions);
    }

    /**
     * The subprotocol the server chose, or null; set by a {@link #validate} that succeeded.
     *
     * @return one of the subprotocols offered, or null when the server chose none or the response
     *         has not been validated
     */
    public String protocol() {
        return protocol;
    }

    /**
     * The RFC 6455 driver for the connection, once {@link #validate} has succeeded: it speaks this
     * handshake's {@link #version()} with the agreed subprotocol and extensions, and owns those
     * extensions from now on (it closes them when it closes, or on {@link Driver#endOfInput()} even
     * before it was started). It is in state {@code CONNECTING}: {@link Driver#start()} opens it and
     * reports {@link DriverEvents#onOpen()}; feed it the bytes that followed the response head.
     *
     * @param maskKeys the source of masking keys; must be unpredictable to the server
     * @param events   where the driver reports what happens on the connection
     * @param out      where the driver writes its frames
     * @return the connection's driver, not yet started
     * @throws IllegalStateException before a successful {@link #validate}, after {@link #abandon()},
     *                               or when called a second time: a handshake makes one driver
     */
    public Driver newDriver(IntSupplier maskKeys, DriverEvents events, WireOutput out) {
        return newDriver(maskKeys, events, out, null);
    }

    /**
     * As {@link #newDriver(IntSupplier, DriverEvents, WireOutput)}, lending large binary messages
     * from {@code lender} when they are delivered whole and no extension is active (see
     * {@link DriverEvents#onBinary}); null for none.
     *
     * @param maskKeys the source of masking keys; must be unpredictable to the server
     * @param events   where the driver reports what happens on the connection
     * @param out      where the driver writes its frames
     * @param lender   the pool to lend large received binary messages from; null to allocate each
     * @return the connection's driver, not yet started
     * @throws IllegalStateException as {@link #newDriver(IntSupplier, DriverEvents, WireOutput)}
     */
    public Driver newDriver(IntSupplier maskKeys, DriverEvents events, WireOutput out, BufferPool lender) {
        Objects.requireNonNull(maskKeys, "maskKeys");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(out, "out");
        switch (state) {
            case VALIDATED -> {
            }
            case OFFERED -> throw new IllegalStateException("newDriver before validate: the server's response has not been checked");
            case REFUSED -> throw new IllegalStateException("newDriver after a failed validate: the handshake failed; call abandon()");
            case DRIVING -> throw new IllegalStateException("newDriver called twice: a handshake makes one driver");
            case ABANDONED -> throw new IllegalStateException("newDriver after abandon(): the handshake is over");
        }
        Driver driver = new HybiDriver(options, version, extensions, protocol, maskKeys, events, out, lender);
        state = State.DRIVING;
        return driver;
    }

    /**
     * Gives the handshake up and closes the extensions' sessions it created: for a response that
     * failed {@link #validate}, a connection that ended or timed out before the response, or a
     * response that passed but will not be used. Once {@link #newDriver} has made the driver it owns
     * the extensions and this does nothing; calling it again does nothing either.
     */
    public void abandon() {
        if (state == State.DRIVING || state == State.ABANDONED) {
            return;
        }
        state = State.ABANDONED;
        extensions.close();
    }
}
