package dev.tether.extension;

import java.util.List;

/**
 * A WebSocket extension (RFC 6455 §9) working on whole messages, in the model of faye's
 * websocket-extensions: it has a name, claims RSV bits, and creates one session per connection
 * when negotiation agrees on it. Implementations are stateless factories, safe to share.
 */
public interface Extension {

    /** The token used in {@code Sec-WebSocket-Extensions}, e.g. {@code permessage-deflate}. */
    String name();

    /**
     * The RSV bits this extension sets on messages ({@code Message.RSV1} …). Two extensions that
     * claim the same bit are never both active on one connection: the first negotiated wins.
     */
    int rsvBits();

    /**
     * Server side: answers the client's offers for this extension, in the client's order of
     * preference. Returns {@code null} to decline them all.
     */
    ExtensionSession createServerSession(List<ExtensionParams> offers, ExtensionContext context);

    /** Client side: a session whose {@link ExtensionSession#generateOffer()} is sent in the request. */
    ExtensionSession createClientSession(ExtensionContext context);
}
