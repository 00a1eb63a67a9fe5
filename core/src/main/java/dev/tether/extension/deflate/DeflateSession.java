package dev.tether.extension.deflate;

import dev.tether.api.CloseCodes;
import dev.tether.driver.DriverOptions;
import dev.tether.extension.ExtensionContext;
import dev.tether.extension.ExtensionParams;
import dev.tether.extension.ExtensionSession;
import dev.tether.extension.FragmentSink;
import dev.tether.message.Fragment;
import dev.tether.message.MemoryBudget;
import dev.tether.message.Message;
import dev.tether.message.MessageMemory;
import dev.tether.protocol.ProtocolException;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * permessage-deflate on one connection, for either role: compresses what is sent (setting RSV1 on
 * a message's first frame) and inflates received messages that carry RSV1; others pass through.
 * Works fragment by fragment, so compressed messages stream both ways. A server session is agreed
 * on when created; a client session when {@link #activate} accepts the server's response.
 */
final class DeflateSession implements ExtensionSession {
    private final PerMessageDeflate config;
    private final long maxMessageLength;
    private final MemoryBudget messageMemory;
    /** Server: the response; client: the offer. */
    private final ExtensionParams params;
    /** Null before agreement, and when this end does not compress (see {@link #activate}). */
    private Compressor compressor;
    private Decompressor decompressor;
    /** Whether the message being sent in fragments is compressed: decided on its first fragment. */
    private boolean compressingMessage;
    private boolean closed;

    private DeflateSession(PerMessageDeflate config, ExtensionContext context, ExtensionParams params) {
        this.config = config;
        this.maxMessageLength = context.maxMessageLength();
        this.messageMemory = context.messageMemory();
        this.params = params;
    }

    /** A server session answering with {@code response}, agreed on from the start. */
    static DeflateSession server(PerMessageDeflate config, ExtensionContext context, ExtensionParams response,
                                 boolean serverNoContextTakeover, boolean clientNoContextTakeover,
                                 boolean serverWindowLimited) {
        DeflateSession session = new DeflateSession(config, context, response);
        session.agree(serverNoContextTakeover, clientNoContextTakeover, serverWindowLimited);
        return session;
    }

    /** A client session offering {@code offer}, agreed on by {@link #activate}. */
    static DeflateSession client(PerMessageDeflate config, ExtensionContext context, ExtensionParams offer) {
        return new DeflateSession(config, context, offer);
    }

    /**
     * @param ownNoContextTakeover  this end compresses each message with a fresh stream
     * @param peerNoContextTakeover the peer does; our Inflater need not outlive a message
     * @param windowLimited         the peer limits our window below the 15 bits java.util.zip
     *                              matches strings in: we compress with Huffman coding only
     */
    private void agree(boolean ownNoContextTakeover, boolean peerNoContextTakeover, boolean windowLimited) {
        compressor = new Compressor(config.zlib(), config.compressionContexts(), config.level(),
                ownNoContextTakeover, windowLimited);
        decompressor = new Decompressor(config.zlib(), peerNoContextTakeover, maxMessageLength);
    }

    @Override
    public ExtensionParams generateOffer() {
        return params;
    }

    @Override
    public ExtensionParams generateResponse() {
        return params;
    }

    /**
     * Client side: the server's response is acceptable when it follows RFC 7692 §7 and answers
     * {@code server_no_context_takeover} if we asked for it. A {@code client_max_window_bits} below
     * 15 asks for a window smaller than java.util.zip matches strings in: we accept it and compress
     * with Huffman coding only, which refers back to nothing and so fits any window.
     */
    @Override
    public boolean activate(ExtensionParams response) {
        if (decompressor != null || closed) {
            throw new IllegalStateException("permessage-deflate: activate called twice or after close");
        }
        DeflateParams agreed = DeflateParams.parse(response, true);
        if (agreed == null) {
            return false;
        }
        if (config.serverNoContextTakeover() && !agreed.serverNoContextTakeover()) {
            return false; // §7.1.1.1: a server that accepts the offer answers the parameter
        }
        boolean fullWindow = agreed.clientMaxWindowBits() == DeflateParams.ABSENT
                || agreed.clientMaxWindowBits() == DeflateParams.MAX_WINDOW_BITS;
        agree(agreed.clientNoContextTakeover() || config.clientNoContextTakeover(), agreed.serverNoContextTakeover(),
                !fullWindow);
        return true;
    }

    @Override
    public boolean processesFragments() {
        return true;
    }

    /**
     * Compresses a whole message, unless its sender said it is compressed already, it is below the
     * threshold, this end does not compress, or no compression context can be had (every permit of
     * {@link PerMessageDeflate#maxCompressionContexts} is out): then it goes as it is, RSV1 clear.
     */
    @Override
    public Message processOutgoing(Message message) {
        requireAgreed();
        if (compressor == null || !message.compressible() || message.payload().remaining() < config.threshold()
                || !compressor.startMessage()) {
            return message;
        }
        return message.with(message.rsv() | Message.RSV1, compressor.compress(message.payload(), true));
    }

    /**
     * Compresses a message sent in fragments, deciding on its first fragment: when this end does not
     * compress or no compression context can be had, every fragment of the message goes as it is,
     * RSV1 clear.
     */
    @Override
    public void processOutgoingFragment(Fragment fragment, Consumer<Fragment> next) {
        requireAgreed();
        if (fragment.first()) {
            compressingMessage = false; // and so it stays if no context can be had, or getting one fails
            if (compressor != null) {
                compressingMessage = compressor.startMessage();
            }
        }
        if (!compressingMessage) {
            next.accept(fragment); // not compressing: sent as it is, RSV1 clear
            return;
        }
        ByteBuffer compressed = compressor.compress(fragment.payload(), fragment.last());
        if (!compressed.hasRemaining() && !fragment.first() && !fragment.last()) {
            return; // an empty middle part: nothing to send
        }
        next.accept(fragment.with(fragment.rsv() | Message.RSV1, compressed));
    }

    @Override
    public void processIncomingFragment(Fragment fragment, FragmentSink next) throws ProtocolException {
        requireAgreed();
        if ((fragment.rsv() & Message.RSV1) == 0) {
            next.accept(fragment);
        } else {
            decompressor.inflate(fragment, next);
        }
    }

    /**
     * Inflates a whole message (when another active extension works on whole messages only), into
     * a buffer that grows as inflation gives bytes and is counted against the connection's
     * {@linkplain ExtensionContext#messageMemory() message memory} until it is passed on.
     */
    @Override
    public Message processIncoming(Message message) throws ProtocolException {
        requireAgreed();
        if ((message.rsv() & Message.RSV1) == 0) {
            return message;
        }
        InflatedMessage inflated = new InflatedMessage(new MessageMemory(messageMemory),
                DriverOptions.wholeMessageLimit(maxMessageLength));
        try {
            decompressor.inflate(new Fragment(message.type(), message.rsv(), message.payload().duplicate(), true, true),
                    inflated);
            return message.with(message.rsv() & ~Message.RSV1, inflated.bytes());
        } finally {
            inflated.memory.release(); // passed on, or failed: the receiver's from here
        }
    }

    /** The inflated bytes of a whole message, in a buffer that grows as they come. */
    private static final class InflatedMessage implements FragmentSink {
        private final MessageMemory memory;
        private final int maxLength;
        private byte[] bytes = new byte[0];
        private int size;

        InflatedMessage(MessageMemory memory, int maxLength) {
            this.memory = memory;
            this.maxLength = maxLength;
        }

        @Override
        public void accept(Fragment fragment) throws ProtocolException {
            ByteBuffer chunk = fragment.payload();
            int n = chunk.remaining();
            if (n > maxLength - size) { // the decompressor's limit may be past what an array holds
                throw new ProtocolException(CloseCodes.MESSAGE_TOO_BIG,
                        "inflated message exceeds the limit of " + maxLength + " bytes");
            }
            if (bytes.length - size < n) {
                int needed = size + n;
                bytes = Arrays.copyOf(bytes, memory.grow(needed, (int) Math.min(maxLength, 2L * needed + 4096)));
            }
            chunk.get(chunk.position(), bytes, size, n);
            size += n;
        }

        /** The message, in an array of its exact size: the receiver keeps it. */
        ByteBuffer bytes() {
            return ByteBuffer.wrap(bytes.length == size ? bytes : Arrays.copyOf(bytes, size));
        }
    }

    private void requireAgreed() {
        if (closed) {
            throw new IllegalStateException("permessage-deflate: session used after close");
        }
        if (decompressor == null) {
            throw new IllegalStateException("permessage-deflate: session used before the server's response was accepted");
        }
    }

    /** Whether a Deflater or an Inflater is held now. */
    boolean holdsContext() {
        return compressor != null && compressor.holdsContext() || decompressor != null && decompressor.holdsContext();
    }

    /**
     * Ends the Deflater and the Inflater if they were created, each exactly once, and gives the
     * Deflater's compression context permit back. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        try {
            if (compressor != null) {
                compressor.close();
            }
        } finally {
            if (decompressor != null) {
                decompressor.close();
            }
        }
    }
}
