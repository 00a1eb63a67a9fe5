package dev.tether.handshake;

import dev.tether.driver.Driver;
import dev.tether.driver.DriverEvents;
import dev.tether.driver.DriverOptions;
import dev.tether.driver.WireOutput;
import dev.tether.driver.handshake.AcceptKey;
import dev.tether.driver.handshake.HandshakeRequest;
import dev.tether.driver.handshake.HeaderTokens;
import dev.tether.driver.handshake.Hixie76Key;
import dev.tether.driver.handshake.HttpHeaders;
import dev.tether.driver.hixie.Hixie75Driver;
import dev.tether.driver.hixie.Hixie76Driver;
import dev.tether.driver.hybi.HybiDriver;
import dev.tether.extension.Extensions;
import dev.tether.message.BufferPool;
import dev.tether.protocol.Role;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * The server's answer to an opening handshake, computed as data: the status, the response headers
 * in order, and, when accepted, a factory for the driver that speaks the negotiated protocol. The
 * transport writes the status and headers itself (a Servlet container writes the status line).
 *
 * <p>The protocol is chosen the way faye's websocket-driver does: {@code Sec-WebSocket-Version} or
 * {@code Sec-WebSocket-Key} → RFC 6455 (versions 13, 8 and 7); {@code Sec-WebSocket-Key1}/{@code Key2}
 * → hixie-76; otherwise hixie-75. A request that is not a valid handshake is answered with 400 and a
 * reason (405 for a method other than GET); an unsupported version with 426 and
 * {@code Sec-WebSocket-Version: 13}.
 *
 * <p>Not thread-safe: one thread answers, then makes the driver or abandons the handshake.
 */
public final class ServerHandshake {
    private static final Set<String> HYBI_VERSIONS = Set.of("13", "8", "7");
    /** A server sends unmasked frames; one shared supplier, rather than one captured per connection. */
    private static final IntSupplier MASK_KEYS = () -> ThreadLocalRandom.current().nextInt();

    private final int status;
    private final HttpHeaders headers;
    private final String failure;
    private final DriverFactory factory;
    private final String version;
    private final String protocol;
    private final List<String> extensions;
    /** The extensions' sessions agreed on (RFC 6455), until the driver takes them; null for hixie and refusals. */
    private final Extensions sessions;
    private boolean driverMade;
    private boolean abandoned;

    /** Makes the driver once the transport can take events and bytes. */
    @FunctionalInterface
    private interface DriverFactory {
        Driver create(DriverEvents events, WireOutput out, BufferPool lender);
    }

    private ServerHandshake(int status, HttpHeaders headers, String failure, String version, String protocol,
                            List<String> extensions, Extensions sessions, DriverFactory factory) {
        this.status = status;
        this.headers = headers;
        this.failure = failure;
        this.version = version;
        this.protocol = protocol;
        this.extensions = extensions;
        this.sessions = sessions;
        this.factory = factory;
    }

    /**
     * Answers {@code request} with the server's {@code options}. Never throws for bad input.
     *
     * @param request the handshake request, as the transport parsed it
     * @param options the server's options: subprotocols, extensions and extra response headers
     * @return the answer: accepted (status 101) with the negotiated protocol, or refused with a
     *         status and a {@linkplain #failure() reason}
     * @throws IllegalArgumentException if {@code options} are not server options
     */
    public static ServerHandshake answer(HandshakeRequest request, DriverOptions options) {
        Objects.requireNonNull(request, "request");
        if (options.role() != Role.SERVER) {
            throw new IllegalArgumentException("server handshake needs server options, not " + options.role());
        }
        if (!"GET".equals(request.method())) {
            HttpHeaders allow = new HttpHeaders().set("Allow", "GET");
            return reject(405, allow, "a WebSocket handshake must be a GET request, not " + request.method());
        }
        if (!HeaderTokens.containsToken(request.headers("Upgrade"), "websocket")) {
            return reject(400, "the Upgrade header must include \"websocket\"");
        }
        if (!HeaderTokens.containsToken(request.headers("Connection"), "upgrade")) {
            return reject(400, "the Connection header must include \"Upgrade\"");
        }
        if (!request.headers("Sec-WebSocket-Version").isEmpty() || !request.headers("Sec-WebSocket-Key").isEmpty()) {
            return hybi(request, options);
        }
        if (!request.headers("Sec-WebSocket-Key1").isEmpty() || !request.headers("Sec-WebSocket-Key2").isEmpty()) {
            return hixie76(request, options);
        }
        return hixie75(request, options);
    }

    private static ServerHandshake hybi(HandshakeRequest request, DriverOptions options) {
        List<String> versions = request.headers("Sec-WebSocket-Version");
        String version = versions.size() == 1 ? versions.get(0).trim() : null;
        if (version == null || !HYBI_VERSIONS.contains(version)) {
            HttpHeaders supported = new HttpHeaders().set("Sec-WebSocket-Version", "13");
            String got = versions.isEmpty() ? "none" : String.join(", ", versions);
            return reject(426, supported, "unsupported Sec-WebSocket-Version (" + got + "): this server speaks 13");
        }
        List<String> keys = request.headers("Sec-WebSocket-Key");
        if (keys.size() != 1 || !AcceptKey.isValidKey(keys.get(0).trim())) {
            return reject(400, keys.size() > 1 ? "more than one Sec-WebSocket-Key header"
                    : "Sec-WebSocket-Key must be 16 random bytes in base64");
        }
        List<String> offeredProtocols = new ArrayList<>();
        for (String value : request.headers("Sec-WebSocket-Protocol")) {
            for (String token : HeaderTokens.split(value)) {
                if (!HeaderTokens.isToken(token)) {
                    return reject(400, "Sec-WebSocket-Protocol holds something that is not a token");
                }
                offeredProtocols.add(token);
            }
        }
        String protocol = offeredProtocols.stream().filter(options.protocols()::contains).findFirst().orElse(null);

        Extensions extensions = new Extensions(options.extensions(), options.extensionContext());
        String extensionResponse;
        try {
            List<String> offers = request.headers("Sec-WebSocket-Extensions");
            extensionResponse = offers.isEmpty() ? null : extensions.generateResponse(String.join(", ", offers));
        } catch (IllegalArgumentException e) {
            return reject(400, e.getMessage());
        }

        HttpHeaders headers = new HttpHeaders()
                .set("Upgrade", "websocket")
                .set("Connection", "Upgrade")
                .set("Sec-WebSocket-Accept", AcceptKey.accept(keys.get(0).trim()));
        if (protocol != null) {
            headers.set("Sec-WebSocket-Protocol", protocol);
        }
        if (extensionResponse != null) {
            headers.set("Sec-WebSocket-Extensions", extensionResponse);
        }
        options.headers().forEach(headers::add);
        int versionNumber = Integer.parseInt(version);
        return new ServerHandshake(101, headers, null, HybiDriver.versionName(versionNumber), protocol, extensions.names(),
                extensions, (events, out, lender) -> new HybiDriver(options, versionNumber, extensions, protocol,
                        MASK_KEYS, events, out, lender));
    }

    private static ServerHandshake hixie76(HandshakeRequest request, DriverOptions options) {
        String key1 = request.header("Sec-WebSocket-Key1");
        String key2 = request.header("Sec-WebSocket-Key2");
        if (key1 == null || key2 == null) {
            return reject(400, "a hixie-76 handshake needs both Sec-WebSocket-Key1 and Sec-WebSocket-Key2");
        }
        try {
            Hixie76Key.keyNumber(key1);
            Hixie76Key.keyNumber(key2);
        } catch (IllegalArgumentException e) {
            return reject(400, e.getMessage());
        }
        return legacy(request, options, "hixie-76", "Sec-WebSocket-",
                protocol -> (events, out, lender) -> new Hixie76Driver(key1, key2, options, protocol, events, out));
    }

    private static ServerHandshake hixie75(HandshakeRequest request, DriverOptions options) {
        return legacy(request, options, "hixie-75", "WebSocket-",
                protocol -> (events, out, lender) -> new Hixie75Driver(options, protocol, events, out));
    }

    /**
     * The answer both drafts share: origin, location and protocol echoed, under header names that
     * differ only by their prefix ({@code Sec-WebSocket-} in hixie-76, {@code WebSocket-} in 75).
     */
    private static ServerHandshake legacy(HandshakeRequest request, DriverOptions options, String version,
                                          String prefix, Function<String, DriverFactory> drivers) {
        String host = request.header("Host");
        if (host == null) {
            return reject(400, "a " + version + " handshake needs a Host header");
        }
        String protocol = legacyProtocol(request.header(prefix + "Protocol"), options);
        HttpHeaders headers = new HttpHeaders().set("Upgrade", "WebSocket").set("Connection", "Upgrade");
        String origin = request.header("Origin");
        if (origin != null) {
            try {
                headers.set(prefix + "Origin", origin);
            } catch (IllegalArgumentException notAFieldValue) {
                // as the Location below: the container may hand over what a header cannot carry back
                return reject(400, "the Origin cannot be echoed in the " + prefix + "Origin header");
            }
        }
        try {
            headers.set(prefix + "Location", location(request, host));
        } catch (IllegalArgumentException notAFieldValue) {
            // a target with CR, LF, NUL or a character past U+00FF cannot be echoed in the header
            return reject(400, "the request target cannot be echoed in the " + prefix + "Location header");
        }
        if (protocol != null) {
            headers.set(prefix + "Protocol", protocol);
        }
        options.headers().forEach(headers::add);
        return new ServerHandshake(101, headers, null, version, protocol, List.of(), null, drivers.apply(protocol));
    }

    /** The drafts offer one protocol, echoed when the server supports it. */
    private static String legacyProtocol(String offered, DriverOptions options) {
        return offered != null && options.protocols().contains(offered.trim()) ? offered.trim() : null;
    }

    private static String location(HandshakeRequest request, String host) {
        return (request.secure() ? "wss://" : "ws://") + host + request.target();
    }

    private static ServerHandshake reject(int status, String reason) {
        return reject(status, new HttpHeaders(), reason);
    }

    private static ServerHandshake reject(int status, HttpHeaders headers, String reason) {
        return new ServerHandshake(status, headers, reason, null, null, List.of(), null, null);
    }

    /**
     * Whether the handshake succeeded: the status is 101 and {@link #newDriver} may be called.
     *
     * @return true when accepted, false when refused
     */
    public boolean accepted() {
        return factory != null;
    }

    /**
     * 101 when accepted; otherwise 400, 405 or 426.
     *
     * @return the HTTP status to answer with
     */
    public int status() {
        return status;
    }

    /**
     * The response headers in order (read-only).
     *
     * @return a read-only view of the headers to send with {@link #status()}
     */
    public HttpHeaders headers() {
        return headers.readOnlyView();
    }

    /**
     * Why the handshake was refused, for the response body; null when accepted.
     *
     * @return the reason, naming the check the request failed; or null
     */
    public String failure() {
        return failure;
    }

    /**
     * The protocol chosen: {@code hybi-13}, {@code hixie-76} …; null when refused.
     *
     * @return the name of the protocol version the driver speaks, or null
     */
    public String version() {
        return version;
    }

    /**
     * The subprotocol agreed on, or null.
     *
     * @return the first subprotocol the client offered that the server supports; null when there
     *         is none or the handshake was refused
     */
    public String protocol() {
        return protocol;
    }

    /**
     * The extensions agreed on, in pipeline order.
     *
     * @return the extension names; empty for hixie, for a refusal, and when none was agreed
     */
    public List<String> extensions() {
        return extensions;
    }

    /**
     * The driver for this connection, in state {@code CONNECTING}: call {@link Driver#start()} once
     * the response head is on its way.
     *
     * @param events where the driver reports what happens on the connection
     * @param out    where the driver writes its bytes
     * @return the connection's driver, speaking the negotiated protocol
     * @throws IllegalStateException when the handshake was refused or abandoned, or the driver was made already
     */
    public Driver newDriver(DriverEvents events, WireOutput out) {
        return newDriver(events, out, null);
    }

    /**
     * As {@link #newDriver(DriverEvents, WireOutput)}, lending large binary messages from
     * {@code lender} where the protocol allows (see {@link DriverEvents#onBinary}); null for none.
     *
     * @param events where the driver reports what happens on the connection
     * @param out    where the driver writes its bytes
     * @param lender the pool to lend large received binary messages from; null to allocate each
     * @return the connection's driver, speaking the negotiated protocol
     * @throws IllegalStateException as {@link #newDriver(DriverEvents, WireOutput)}
     */
    public Driver newDriver(DriverEvents events, WireOutput out, BufferPool lender) {
        if (factory == null) {
            throw new IllegalStateException("the handshake was refused (" + status + "): " + failure);
        }
        if (abandoned || driverMade) {
            throw new IllegalStateException(abandoned ? "newDriver after abandon(): the handshake is over"
                    : "newDriver called twice: the connection has its driver");
        }
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(out, "out");
        Driver driver = factory.create(events, out, lender);
        driverMade = true; // only now: until the driver exists, abandon() closes the sessions
        return driver;
    }

    /**
     * Gives up an accepted handshake that will not be used (the upgrade failed before a driver was
     * made) and closes the extensions' sessions it agreed on. Once {@link #newDriver} has made the
     * driver it owns them and this does nothing; calling it again does nothing either.
     */
    public void abandon() {
        if (driverMade || abandoned) {
            return;
        }
        abandoned = true;
        if (sessions != null) {
            sessions.close();
        }
    }
}
