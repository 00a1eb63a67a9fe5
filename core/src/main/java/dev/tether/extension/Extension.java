package dev.tether.extension;

import java.util.List;

/**
 * A WebSocket extension (RFC 6455 §9) working on whole messages, in the model of faye's
 * websocket-extensions: it has a name, claims RSV bits, and creates one session per connection
 * when negotiation agrees on it. Implementations are stateless factories, safe to share.
 */
public interface Extension {

    /**
     * The token used in {@code Sec-WebSocket-Extensions}, e.g. {@code permessage-deflate}.
     *
     * @return the extension's name, an RFC 7230 token
     */
    String name();

    /**
     * The RSV bits this extension sets on messages ({@code Message.RSV1} …). Two extensions that
     * claim the same bit are never both active on one connection: the first negotiated wins.
     *
     * @return a mask of {@code Message.RSV1} … {@code Message.RSV3}; 0 for an extension that sets none
     */
    int rsvBits();

    /**
     * Server side: answers the client's offers for this extension, in the client's order of
     * preference. Returns {@code null} to decline them all.
     *
     * @param offers  every offer of this extension in the request, most preferred first; never empty
     * @param context the connection the session would serve
     * @return the session for the offer accepted, whose {@link ExtensionSession#generateResponse()}
     *         is sent in the response; {@code null} to decline
     */
    ExtensionSession createServerSession(List<ExtensionParams> offers, ExtensionContext context);

    /**
     * Client side: a session whose {@link ExtensionSession#generateOffer()} is sent in the request.
     *
     * @param context the connection the session would serve
     * @return the session to make the offer and, if the server accepts it, to run; {@code null} to
     *         offer nothing
     */
    ExtensionSession createClientSession(ExtensionContext context);
}
