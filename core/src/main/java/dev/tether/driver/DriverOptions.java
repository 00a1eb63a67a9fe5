package dev.tether.driver;

import dev.tether.extension.Extension;
import dev.tether.extension.ExtensionContext;
import dev.tether.message.MemoryBudget;
import dev.tether.protocol.Role;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The protocol options of a connection. Immutable; build with {@link #builder(Role)}.
 *
 * <ul>
 *   <li>{@code maxFrameLength}: the largest frame payload accepted, in bytes; a larger frame fails
 *       the connection with 1009 at its header, before anything is allocated. Default
 *       {@value #DEFAULT_MAX_LENGTH} (64 MiB − 1, as in faye's websocket-driver).</li>
 *   <li>{@code maxMessageLength}: the largest message accepted, all its frames together; larger
 *       ones fail with 1009 at the header of the frame that passes the limit. Default
 *       {@value #DEFAULT_MAX_LENGTH}. {@link #NO_MESSAGE_LIMIT} turns it off for messages received
 *       in fragments, which are then bounded only frame by frame; a message assembled whole is
 *       always held to {@value #LARGEST_WHOLE_MESSAGE} bytes, the largest array. {@code maxLength}
 *       sets both limits at once.</li>
 *   <li>{@code protocols}: the subprotocols this end supports (a client offers them in this order;
 *       the server picks the first one the client offers that it supports). Default none.</li>
 *   <li>{@code extensions}: the extensions this end supports, in pipeline order. Default none.</li>
 *   <li>{@code headers}: extra headers for the handshake (request or response). Default none.</li>
 *   <li>{@code deliverFragments}: whether received data messages reach the owner fragment by
 *       fragment, through {@link DriverEvents#onFragment}, instead of whole through
 *       {@link DriverEvents#onText} and {@link DriverEvents#onBinary}. Default false.</li>
 *   <li>{@code fragmentSize}: where fragments are processed (delivered so, or run through
 *       extensions that work on fragments), the largest piece a received frame is handed on in:
 *       a larger frame is cut into pieces of this size, counted from its start, so the pieces do not
 *       depend on how the input was split into reads and a peer's one huge frame costs no more than
 *       this much memory until it has arrived. Default {@value #DEFAULT_FRAGMENT_SIZE} (64 KiB).</li>
 *   <li>{@code messageMemory}: what the messages being received take as they arrive, shared with
 *       other connections given the same budget; a message that cannot get what it needs fails its
 *       connection with 1013 (try again later), one larger than the whole budget with 1009. Default
 *       {@link MemoryBudget#shared()}, a quarter of the largest heap and at least 64 MiB.</li>
 *   <li>{@code sendFrameSize}: the largest frame payload sent. A message (or a part sent with
 *       {@link Driver#fragment}) whose payload, after the extensions, is larger goes out as several
 *       frames of at most this size, so that a ping or a pong does not wait behind one huge frame;
 *       text may be cut inside a character, as RFC 6455 allows. 0 sends every payload as one frame.
 *       The hixie drafts have no fragments and ignore it. Default {@value #DEFAULT_SEND_FRAME_SIZE}
 *       (64 KiB).</li>
 * </ul>
 */
public final class DriverOptions {
    /** 64 MiB − 1, faye's default. */
    public static final int DEFAULT_MAX_LENGTH = (1 << 26) - 1;
    /** The {@code maxMessageLength} that turns the message limit off: messages in fragments may be of any size. */
    public static final long NO_MESSAGE_LIMIT = Long.MAX_VALUE;
    /** The largest message assembled whole (the largest array a JVM gives), whatever the message limit. */
    public static final int LARGEST_WHOLE_MESSAGE = Integer.MAX_VALUE - 8;
    /** 64 KiB: a frame is handed on in pieces of at most this size where fragments are processed. */
    public static final int DEFAULT_FRAGMENT_SIZE = 1 << 16;
    /** 64 KiB: a payload sent is split into frames of at most this size. */
    public static final int DEFAULT_SEND_FRAME_SIZE = 1 << 16;

    private final Role role;
    private final int maxFrameLength;
    private final long maxMessageLength;
    private final List<String> protocols;
    private final List<Extension> extensions;
    private final Map<String, String> headers;
    private final boolean deliverFragments;
    private final int fragmentSize;
    private final MemoryBudget messageMemory;
    private final int sendFrameSize;
    private final ExtensionContext extensionContext;

    private DriverOptions(Builder builder) {
        this.role = builder.role;
        this.maxFrameLength = builder.maxFrameLength;
        this.maxMessageLength = builder.maxMessageLength;
        this.protocols = List.copyOf(builder.protocols);
        this.extensions = List.copyOf(builder.extensions);
        this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(builder.headers));
        this.deliverFragments = builder.deliverFragments;
        this.fragmentSize = builder.fragmentSize;
        this.messageMemory = builder.messageMemory;
        this.sendFrameSize = builder.sendFrameSize;
        this.extensionContext = builder.extensionContext != null ? builder.extensionContext
                : new ExtensionContext(role, maxMessageLength, messageMemory);
    }

    /**
     * Starts options for one end of a connection, every option at its default.
     *
     * @param role whether the driver is the client or the server end
     * @return a new builder
     */
    public static Builder builder(Role role) {
        return new Builder(role);
    }

    /**
     * The defaults for {@code role}.
     *
     * @param role whether the driver is the client or the server end
     * @return the options with every option at its default
     */
    public static DriverOptions defaults(Role role) {
        return builder(role).build();
    }

    /**
     * Which end of the connection the driver is.
     *
     * @return the client or the server role
     */
    public Role role() {
        return role;
    }

    /**
     * What the extension sessions of connections made with these options are given: this role,
     * {@link #maxMessageLength()} and {@link #messageMemory()}. One for these options, shared by
     * their connections (it is immutable), not one per connection.
     *
     * @return the extension context of these options
     */
    public ExtensionContext extensionContext() {
        return extensionContext;
    }

    /**
     * The largest frame payload accepted ({@code maxFrameLength}).
     *
     * @return the frame limit, in bytes
     */
    public int maxFrameLength() {
        return maxFrameLength;
    }

    /**
     * The largest message accepted, all its frames together ({@code maxMessageLength}).
     *
     * @return the message limit, in bytes, or {@link #NO_MESSAGE_LIMIT} when it is off
     */
    public long maxMessageLength() {
        return maxMessageLength;
    }

    /**
     * The message limit for a message assembled whole: {@code maxMessageLength}, at most {@value #LARGEST_WHOLE_MESSAGE}.
     *
     * @return the limit for a whole message, in bytes
     */
    public int maxWholeMessageLength() {
        return wholeMessageLimit(maxMessageLength);
    }

    /**
     * The limit for a message assembled whole under message limit {@code maxMessageLength}: at most {@value #LARGEST_WHOLE_MESSAGE}.
     *
     * @param maxMessageLength a message limit, in bytes, or {@link #NO_MESSAGE_LIMIT}
     * @return the smaller of {@code maxMessageLength} and {@value #LARGEST_WHOLE_MESSAGE}
     */
    public static int wholeMessageLimit(long maxMessageLength) {
        return (int) Math.min(maxMessageLength, LARGEST_WHOLE_MESSAGE);
    }

    /**
     * The subprotocols this end supports, in preference order.
     *
     * @return the subprotocol names, unmodifiable; empty for none
     */
    public List<String> protocols() {
        return protocols;
    }

    /**
     * The extensions this end supports, in pipeline order.
     *
     * @return the extensions, unmodifiable; empty for none
     */
    public List<Extension> extensions() {
        return extensions;
    }

    /**
     * The extra headers for the handshake (request or response).
     *
     * @return the header names and values in the order added, unmodifiable
     */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * Whether received data messages reach the owner fragment by fragment, through {@link DriverEvents#onFragment}.
     *
     * @return true when every data message is delivered in fragments
     */
    public boolean deliverFragments() {
        return deliverFragments;
    }

    /**
     * The largest piece a received frame is handed on in where fragments are processed.
     *
     * @return the piece size, in bytes
     */
    public int fragmentSize() {
        return fragmentSize;
    }

    /**
     * What the messages being received take memory from, shared with other connections given the same budget.
     *
     * @return the memory budget of received messages
     */
    public MemoryBudget messageMemory() {
        return messageMemory;
    }

    /**
     * The largest frame payload sent, larger payloads being split; 0 when payloads are never split.
     *
     * @return the send frame size, in bytes, or 0
     */
    public int sendFrameSize() {
        return sendFrameSize;
    }

    /**
     * These options with {@code names} as the only supported subprotocols.
     *
     * @param names the subprotocols, in preference order
     * @return new options, equal to these but for the subprotocols
     */
    public DriverOptions withProtocols(String... names) {
        Builder b = new Builder(role).maxFrameLength(maxFrameLength).maxMessageLength(maxMessageLength).protocols(names)
                .deliverFragments(deliverFragments).fragmentSize(fragmentSize).messageMemory(messageMemory);
        b.sendFrameSize(sendFrameSize);
        b.extensions.addAll(extensions);
        b.headers.putAll(headers);
        b.extensionContext = extensionContext; // role and limits unchanged: the connections keep sharing it
        return b.build();
    }

    /** Builds {@link DriverOptions}; each option not set keeps its default. Not thread-safe. */
    public static final class Builder {
        private final Role role;
        private int maxFrameLength = DEFAULT_MAX_LENGTH;
        private long maxMessageLength = DEFAULT_MAX_LENGTH;
        private final List<String> protocols = new ArrayList<>();
        private final List<Extension> extensions = new ArrayList<>();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private boolean deliverFragments;
        private int fragmentSize = DEFAULT_FRAGMENT_SIZE;
        private MemoryBudget messageMemory = MemoryBudget.shared();
        private int sendFrameSize = DEFAULT_SEND_FRAME_SIZE;
        /** Set only by {@link DriverOptions#withProtocols}: the options it copies from keep their context. */
        private ExtensionContext extensionContext;

        private Builder(Role role) {
            this.role = Objects.requireNonNull(role, "role");
        }

        /**
         * Both {@code maxFrameLength} and {@code maxMessageLength}: 1 to {@value #LARGEST_WHOLE_MESSAGE} bytes.
         *
         * @param bytes the limit for frames and messages, in bytes
         * @return this builder
         * @throws IllegalArgumentException for a value out of range
         */
        public Builder maxLength(int bytes) {
            return maxFrameLength(bytes).maxMessageLength(bytes);
        }

        /**
         * The largest frame payload accepted, 1 to {@value #LARGEST_WHOLE_MESSAGE} bytes.
         *
         * @param bytes the frame limit, in bytes
         * @return this builder
         * @throws IllegalArgumentException for a value out of range
         */
        public Builder maxFrameLength(int bytes) {
            if (bytes < 1 || bytes > LARGEST_WHOLE_MESSAGE) {
                throw new IllegalArgumentException("maxFrameLength must be 1 to " + LARGEST_WHOLE_MESSAGE + " bytes: " + bytes);
            }
            this.maxFrameLength = bytes;
            return this;
        }

        /**
         * The largest message accepted, at least 1 byte; {@link #NO_MESSAGE_LIMIT} for none (see the class comment).
         *
         * @param bytes the message limit, in bytes
         * @return this builder
         * @throws IllegalArgumentException for a value under 1
         */
        public Builder maxMessageLength(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxMessageLength must be at least 1 byte: " + bytes);
            }
            this.maxMessageLength = bytes;
            return this;
        }

        /**
         * What messages being received take memory from, shared with the connections given the same budget.
         *
         * @param budget the memory budget to draw from
         * @return this builder
         */
        public Builder messageMemory(MemoryBudget budget) {
            this.messageMemory = Objects.requireNonNull(budget, "budget");
            return this;
        }

        /**
         * Adds subprotocols this end supports, after any added before, in preference order.
         *
         * @param names the subprotocol names
         * @return this builder
         */
        public Builder protocols(String... names) {
            for (String name : names) {
                protocols.add(Objects.requireNonNull(name, "protocol"));
            }
            return this;
        }

        /**
         * Adds an extension this end supports, after any added before (pipeline order).
         *
         * @param extension the extension
         * @return this builder
         */
        public Builder extension(Extension extension) {
            extensions.add(Objects.requireNonNull(extension, "extension"));
            return this;
        }

        /**
         * Adds a handshake header; a later value for the same name replaces the earlier one.
         *
         * @param name  the header name
         * @param value the header value
         * @return this builder
         */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Whether received messages are delivered fragment by fragment ({@link DriverEvents#onFragment}).
         *
         * @param fragments true to deliver every data message in fragments
         * @return this builder
         */
        public Builder deliverFragments(boolean fragments) {
            this.deliverFragments = fragments;
            return this;
        }

        /**
         * The largest piece a received frame is handed on in where fragments are processed; at least 1 byte.
         *
         * @param bytes the piece size, in bytes
         * @return this builder
         * @throws IllegalArgumentException for a value under 1
         */
        public Builder fragmentSize(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("fragmentSize must be at least 1 byte: " + bytes);
            }
            this.fragmentSize = bytes;
            return this;
        }

        /**
         * The largest frame payload sent: larger messages and parts go out as several frames of at
         * most this size. 0 sends every payload as one frame.
         *
         * @param bytes the send frame size, in bytes, or 0
         * @return this builder
         * @throws IllegalArgumentException for a negative value
         */
        public Builder sendFrameSize(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("sendFrameSize must not be negative (0 turns splitting off): " + bytes);
            }
            this.sendFrameSize = bytes;
            return this;
        }

        /**
         * Makes the options.
         *
         * @return immutable options with what was set here
         */
        public DriverOptions build() {
            return new DriverOptions(this);
        }
    }
}
