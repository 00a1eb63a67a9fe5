package dev.tether.extension.deflate;

import dev.tether.extension.Extension;
import dev.tether.extension.ExtensionContext;
import dev.tether.extension.ExtensionParams;
import dev.tether.extension.ExtensionParams.Param;
import dev.tether.extension.ExtensionSession;
import dev.tether.message.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.Deflater;

/**
 * The permessage-deflate extension (RFC 7692), for servers and clients: messages are compressed
 * with DEFLATE, RSV1 marking those that are. Immutable and shareable; each connection that agrees
 * on it gets its own session. Off unless registered as an extension of an endpoint or a client.
 *
 * <table>
 *   <caption>Options and their defaults</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@link Builder#level level}</td><td>{@link Deflater#DEFAULT_COMPRESSION} (zlib's 6, as
 *       ws uses)</td><td>compression level, 0 (store) to 9 (best)</td></tr>
 *   <tr><td>{@link Builder#threshold threshold}</td><td>1024 bytes (as ws)</td><td>whole messages
 *       smaller than this are sent uncompressed, without RSV1; messages sent in fragments are
 *       compressed whatever their size, it being unknown at the start</td></tr>
 *   <tr><td>{@link Builder#serverNoContextTakeover serverNoContextTakeover}</td><td>false</td><td>the
 *       server compresses each message on its own: a server answers {@code server_no_context_takeover},
 *       a client asks for it (and refuses a response without it)</td></tr>
 *   <tr><td>{@link Builder#clientNoContextTakeover clientNoContextTakeover}</td><td>false</td><td>the
 *       client compresses each message on its own: a server answers {@code client_no_context_takeover},
 *       a client offers it</td></tr>
 *   <tr><td>{@link Builder#maxCompressionContexts maxCompressionContexts}</td><td>
 *       {@value #DEFAULT_MAX_COMPRESSION_CONTEXTS}</td><td>the most Deflaters (compression contexts)
 *       that all connections using this instance hold at once; a connection that cannot get one
 *       sends the message uncompressed and tries again with the next</td></tr>
 * </table>
 *
 * <p><b>Context takeover</b> (the default) compresses better, since a message may refer to the ones
 * before it, but each side then keeps a zlib context for the life of the connection: about 256 KiB
 * for a Deflater at level 6 and 40 KiB for an Inflater, in native memory. Without takeover, a side's
 * Deflater (and the peer's matching Inflater) is ended after each message, so an idle connection
 * holds none. A connection that never sends a compressed message never creates a Deflater, and one
 * that never receives one never creates an Inflater. Whatever the path, each is ended exactly once,
 * at the latest when the connection's extensions are closed.
 *
 * <p><b>Memory at many connections.</b> A Deflater is the largest native cost of a connection,
 * several times an Inflater's (zlib's {@code zconf.h} gives a deflate state of
 * {@code (1 << (windowBits + 2)) + (1 << (memLevel + 9))} bytes, and {@code java.util.zip} uses a
 * 15-bit window and zlib's default memLevel of 8). {@link Builder#maxCompressionContexts} bounds
 * how many exist at once across all connections made with this instance. A connection takes one
 * of these compression contexts when it first compresses a message and, with context takeover,
 * keeps it until it closes; without context takeover for its own side it gives it back after each
 * message, so the cap then bounds only the messages being compressed at the same moment. A
 * connection that finds every context taken sends that message uncompressed (RSV1 clear, which
 * RFC 7692 §6 allows; the peer reads it as any other) and tries again for the next one. With
 * context takeover the first connections to compress keep their contexts, so at many connections
 * prefer no context takeover for the sending side ({@code serverNoContextTakeover} on a server,
 * {@code clientNoContextTakeover} on a client) together with the cap. {@link #compressionContextsInUse()} tells how many are held now.
 *
 * <p>Inflaters cannot be capped that way: the peer decides what it compresses, and a compressed
 * message must be inflated. Their memory is bounded by requiring the peer not to take over its
 * context: {@code clientNoContextTakeover} on a server (the server answers
 * {@code client_no_context_takeover}, which a client must honour) or {@code serverNoContextTakeover}
 * on a client (it refuses a server that does not agree). The Inflater is then ended after each
 * message, so only connections receiving a compressed message at that moment hold one.
 *
 * <p><b>Window bits.</b> {@code java.util.zip.Deflater} matches strings within a 15-bit window, and
 * {@code Inflater} inflates any window up to 15 bits. When the peer limits our window below 15 bits
 * ({@code server_max_window_bits} in a client's offer, {@code client_max_window_bits} in a server's
 * response), we accept and compress with Huffman coding only ({@code Deflater.HUFFMAN_ONLY}): it
 * refers back to nothing, so it fits any window, at a lower ratio. A server answers an accepted
 * {@code server_max_window_bits} with the same value, and accepts {@code client_max_window_bits},
 * with or without a value, without limiting the client. A client offers
 * {@code client_max_window_bits} without a value (any window suits us for inflation).
 *
 * <p><b>Negotiation</b> follows RFC 7692 §7: of several offers a server takes the first it can
 * honour; an offer with an unknown or repeated parameter, a value on a {@code *_no_context_takeover}
 * flag or window bits outside 8–15 is declined. The response holds only what was agreed. A client
 * refuses a response that breaks the same rules.
 *
 * <p><b>Receiving</b>: compressed messages are inflated as their frames arrive; the inflated size is
 * held to the connection's message limit ({@link ExtensionContext#maxMessageLength()}) while
 * inflating, failing with 1009 before more memory is taken (a decompression bomb costs at most the
 * limit); invalid DEFLATE data fails with 1007. RSV1 on a continuation or control frame is refused
 * with 1002 by the frame parser, before it reaches this extension.
 */
public final class PerMessageDeflate implements Extension {
    /** The extension's token in {@code Sec-WebSocket-Extensions}. */
    public static final String NAME = "permessage-deflate";
    /** The default {@link Builder#threshold threshold}, in bytes. */
    public static final int DEFAULT_THRESHOLD = 1024;
    /** The default {@link Builder#maxCompressionContexts maxCompressionContexts}. */
    public static final int DEFAULT_MAX_COMPRESSION_CONTEXTS = 1024;

    private final int level;
    private final int threshold;
    private final boolean serverNoContextTakeover;
    private final boolean clientNoContextTakeover;
    private final Zlib zlib;
    private final CompressionContexts compressionContexts;

    private PerMessageDeflate(Builder builder) {
        this.level = builder.level;
        this.threshold = builder.threshold;
        this.serverNoContextTakeover = builder.serverNoContextTakeover;
        this.clientNoContextTakeover = builder.clientNoContextTakeover;
        this.zlib = builder.zlib;
        this.compressionContexts = new CompressionContexts(builder.maxCompressionContexts);
    }

    /**
     * A new permessage-deflate with every option at its default; like every instance, with its own
     * {@link Builder#maxCompressionContexts budget of compression contexts}, shared by the connections it serves.
     *
     * @return a new instance, the same as {@code builder().build()}
     */
    public static PerMessageDeflate defaults() {
        return builder().build();
    }

    /**
     * A builder with every option at its default.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The compression level, {@link Deflater#DEFAULT_COMPRESSION} or 0 to 9.
     *
     * @return the level messages sent are compressed at
     */
    public int level() {
        return level;
    }

    /**
     * Whole messages shorter than this many bytes are sent uncompressed.
     *
     * @return the threshold in bytes; 0 when every message is compressed
     */
    public int threshold() {
        return threshold;
    }

    /**
     * Whether the server compresses each message with a fresh context.
     *
     * @return true when this end asks for, or answers, {@code server_no_context_takeover}
     */
    public boolean serverNoContextTakeover() {
        return serverNoContextTakeover;
    }

    /**
     * Whether the client compresses each message with a fresh context.
     *
     * @return true when this end offers, or answers, {@code client_no_context_takeover}
     */
    public boolean clientNoContextTakeover() {
        return clientNoContextTakeover;
    }

    /**
     * The most compression contexts (Deflaters) that the connections using this instance hold at
     * once; see {@link Builder#maxCompressionContexts}.
     *
     * @return the cap; {@link Integer#MAX_VALUE} for none
     */
    public int maxCompressionContexts() {
        return compressionContexts.max();
    }

    /**
     * How many compression contexts (Deflaters) the connections using this instance hold now, at
     * most {@link #maxCompressionContexts()}: for monitoring. Safe to call from any thread.
     *
     * @return the number of contexts taken and not yet given back
     */
    public int compressionContextsInUse() {
        return compressionContexts.inUse();
    }

    Zlib zlib() {
        return zlib;
    }

    CompressionContexts compressionContexts() {
        return compressionContexts;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int rsvBits() {
        return Message.RSV1;
    }

    /**
     * Answers the first offer this end can honour (see the class comment); null, declining, when
     * there is none.
     */
    @Override
    public ExtensionSession createServerSession(List<ExtensionParams> offers, ExtensionContext context) {
        for (ExtensionParams offer : offers) {
            DeflateParams params = DeflateParams.parse(offer, false);
            if (params == null) {
                continue;
            }
            boolean serverNoTakeover = params.serverNoContextTakeover() || serverNoContextTakeover;
            boolean clientNoTakeover = params.clientNoContextTakeover() || clientNoContextTakeover;
            List<Param> response = new ArrayList<>(3);
            if (params.serverMaxWindowBits() != DeflateParams.ABSENT) {
                // RFC 7692 §7.1.2.1: an accepted server_max_window_bits is answered, with the same value
                response.add(new Param(DeflateParams.SERVER_MAX_WINDOW_BITS, Integer.toString(params.serverMaxWindowBits())));
            }
            if (serverNoTakeover) {
                response.add(Param.flag(DeflateParams.SERVER_NO_CONTEXT_TAKEOVER));
            }
            if (clientNoTakeover) {
                response.add(Param.flag(DeflateParams.CLIENT_NO_CONTEXT_TAKEOVER));
            }
            boolean windowLimited = params.serverMaxWindowBits() != DeflateParams.ABSENT
                    && params.serverMaxWindowBits() < DeflateParams.MAX_WINDOW_BITS;
            return DeflateSession.server(this, context, new ExtensionParams(NAME, response),
                    serverNoTakeover, clientNoTakeover, windowLimited);
        }
        return null;
    }

    /**
     * Offers {@code client_max_window_bits} (no value), and the {@code *_no_context_takeover}
     * parameters this end's options ask for.
     */
    @Override
    public ExtensionSession createClientSession(ExtensionContext context) {
        List<Param> offer = new ArrayList<>(3);
        if (serverNoContextTakeover) {
            offer.add(Param.flag(DeflateParams.SERVER_NO_CONTEXT_TAKEOVER));
        }
        if (clientNoContextTakeover) {
            offer.add(Param.flag(DeflateParams.CLIENT_NO_CONTEXT_TAKEOVER));
        }
        offer.add(Param.flag(DeflateParams.CLIENT_MAX_WINDOW_BITS));
        return DeflateSession.client(this, context, new ExtensionParams(NAME, offer));
    }

    @Override
    public String toString() {
        return NAME + "[level=" + level + ", threshold=" + threshold + ", serverNoContextTakeover="
                + serverNoContextTakeover + ", clientNoContextTakeover=" + clientNoContextTakeover
                + ", maxCompressionContexts=" + compressionContexts.max() + "]";
    }

    /** Builds a {@link PerMessageDeflate}; every option starts at its documented default. */
    public static final class Builder {
        private int level = Deflater.DEFAULT_COMPRESSION;
        private int threshold = DEFAULT_THRESHOLD;
        private boolean serverNoContextTakeover;
        private boolean clientNoContextTakeover;
        private int maxCompressionContexts = DEFAULT_MAX_COMPRESSION_CONTEXTS;
        private Zlib zlib = Zlib.JDK;

        private Builder() {
        }

        /**
         * The compression level: 0 (no compression) to 9 (best, slowest), or
         * {@link Deflater#DEFAULT_COMPRESSION} for zlib's default, 6.
         *
         * @param level the level, -1 to 9
         * @return this builder
         * @throws IllegalArgumentException outside -1 to 9
         */
        public Builder level(int level) {
            if (level < Deflater.DEFAULT_COMPRESSION || level > Deflater.BEST_COMPRESSION) {
                throw new IllegalArgumentException("level must be -1 (zlib's default) or 0 to 9: " + level);
            }
            this.level = level;
            return this;
        }

        /**
         * Whole messages shorter than {@code bytes} go uncompressed; 0 compresses every message.
         *
         * @param bytes the smallest payload size compressed, in bytes
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder threshold(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("threshold must not be negative: " + bytes);
            }
            this.threshold = bytes;
            return this;
        }

        /**
         * Whether the server compresses each message with a fresh context (see the class comment).
         *
         * @param noTakeover true for {@code server_no_context_takeover}
         * @return this builder
         */
        public Builder serverNoContextTakeover(boolean noTakeover) {
            this.serverNoContextTakeover = noTakeover;
            return this;
        }

        /**
         * Whether the client compresses each message with a fresh context (see the class comment).
         *
         * @param noTakeover true for {@code client_no_context_takeover}
         * @return this builder
         */
        public Builder clientNoContextTakeover(boolean noTakeover) {
            this.clientNoContextTakeover = noTakeover;
            return this;
        }

        /**
         * The most compression contexts (Deflaters, this end's outgoing compression state) that all
         * connections using the built instance may hold at once. A connection that cannot get one
         * sends that message uncompressed, RSV1 clear, and tries again with the next. With context
         * takeover a connection keeps its context from its first compressed message until it
         * closes; without it, only while a message is being compressed. See the class comment,
         * "Memory at many connections".
         *
         * <p>The default, {@value PerMessageDeflate#DEFAULT_MAX_COMPRESSION_CONTEXTS}, is more than
         * most servers ever hold, so it changes nothing for them, while it keeps a server that
         * suddenly has tens of thousands of connections from holding a Deflater for each in native
         * memory, outside the Java heap and its limit. {@link Integer#MAX_VALUE} sets no cap; 0
         * compresses nothing while still inflating what the peer compresses.
         *
         * @param contexts the cap, 0 or more
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder maxCompressionContexts(int contexts) {
            if (contexts < 0) {
                throw new IllegalArgumentException("maxCompressionContexts must not be negative: " + contexts);
            }
            this.maxCompressionContexts = contexts;
            return this;
        }

        /** Tests: where sessions get their Deflaters and Inflaters. */
        Builder zlib(Zlib zlib) {
            this.zlib = Objects.requireNonNull(zlib, "zlib");
            return this;
        }

        /**
         * The extension, with the options set so far.
         *
         * @return a new instance, with its own budget of compression contexts
         */
        public PerMessageDeflate build() {
            return new PerMessageDeflate(this);
        }
    }
}
