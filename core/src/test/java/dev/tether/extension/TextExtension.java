package dev.tether.extension;

import dev.tether.api.CloseCodes;
import dev.tether.message.Fragment;
import dev.tether.message.Message;
import dev.tether.message.MessageType;
import dev.tether.protocol.ProtocolException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A test extension that transforms message text and records what negotiation did with it. Its
 * sessions set its RSV bits on the way out, and on the way in undo the transformation only for
 * messages that carry them.
 */
final class TextExtension implements Extension {

    private final String name;
    private final int rsvBits;
    private final UnaryOperator<String> encode;
    private final Function<String, String> decode;

    /** Client: what a new session offers; null offers nothing. */
    ExtensionParams offer;
    /** Server: the answer to the client's offers; null declines. Defaults to the first offer. */
    Function<List<ExtensionParams>, ExtensionParams> answer = offers -> offers.get(0);
    /** Client: whether a session accepts the server's response. */
    Predicate<ExtensionParams> acceptsResponse = response -> true;
    /** Client: whether createClientSession returns a session at all. */
    boolean createsClientSessions = true;
    /** Whether a session's close() throws (after counting the call). */
    boolean failsOnClose;
    /** Whether sessions work on fragments, transforming each fragment's text as a message's. */
    boolean fragments;
    /** Whether a session passes on null instead of a fragment: a bug the pipeline must name. */
    boolean passesNull;

    /** The offers each createServerSession call received. */
    final List<List<ExtensionParams>> offersReceived = new ArrayList<>();
    final List<Session> sessions = new ArrayList<>();

    /**
     * @param decode undoes {@code encode}; returns null when the text was not encoded by it
     */
    TextExtension(String name, int rsvBits, UnaryOperator<String> encode, Function<String, String> decode) {
        this.name = name;
        this.rsvBits = rsvBits;
        this.encode = encode;
        this.decode = decode;
        this.offer = ExtensionParams.of(name);
    }

    /** Reverses the text: undoes itself. */
    static TextExtension reverse(String name, int rsvBits) {
        UnaryOperator<String> reverse = text -> new StringBuilder(text).reverse().toString();
        return new TextExtension(name, rsvBits, reverse, reverse);
    }

    /** Appends {@code suffix}; refuses incoming text without it. */
    static TextExtension suffix(String name, int rsvBits, String suffix) {
        return new TextExtension(name, rsvBits, text -> text + suffix,
                text -> text.endsWith(suffix) ? text.substring(0, text.length() - suffix.length()) : null);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int rsvBits() {
        return rsvBits;
    }

    @Override
    public ExtensionSession createServerSession(List<ExtensionParams> offers, ExtensionContext context) {
        offersReceived.add(offers);
        ExtensionParams response = answer.apply(offers);
        return response == null ? null : newSession(response);
    }

    @Override
    public ExtensionSession createClientSession(ExtensionContext context) {
        return createsClientSessions ? newSession(offer) : null;
    }

    private Session newSession(ExtensionParams params) {
        Session session = new Session(params);
        sessions.add(session);
        return session;
    }

    /** The only session created; fails the test if there is not exactly one. */
    Session session() {
        if (sessions.size() != 1) {
            throw new AssertionError(name + " created " + sessions.size() + " sessions");
        }
        return sessions.get(0);
    }

    static Message text(String text, int rsv) {
        return new Message(MessageType.TEXT, rsv, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    static String textOf(Message message) {
        return StandardCharsets.UTF_8.decode(message.payload().duplicate()).toString();
    }

    final class Session implements ExtensionSession {
        private final ExtensionParams params;
        final List<ExtensionParams> activatedWith = new ArrayList<>();
        int closeCalls;

        Session(ExtensionParams params) {
            this.params = params;
        }

        @Override
        public ExtensionParams generateOffer() {
            return params;
        }

        @Override
        public boolean activate(ExtensionParams response) {
            activatedWith.add(response);
            return acceptsResponse.test(response);
        }

        @Override
        public ExtensionParams generateResponse() {
            return params;
        }

        @Override
        public Message processIncoming(Message message) throws ProtocolException {
            if ((message.rsv() & rsvBits) == 0) {
                return message;
            }
            String decoded = decode.apply(textOf(message));
            if (decoded == null) {
                throw new ProtocolException(CloseCodes.INVALID_PAYLOAD, name + " cannot decode " + textOf(message));
            }
            return text(decoded, message.rsv() & ~rsvBits);
        }

        @Override
        public Message processOutgoing(Message message) {
            return text(encode.apply(textOf(message)), message.rsv() | rsvBits);
        }

        @Override
        public boolean processesFragments() {
            return fragments;
        }

        @Override
        public void processIncomingFragment(Fragment fragment, FragmentSink next) throws ProtocolException {
            Message processed = processIncoming(new Message(fragment.type(), fragment.rsv(), fragment.payload()));
            next.accept(passesNull ? null : fragment.with(processed.rsv(), processed.payload()));
        }

        @Override
        public void processOutgoingFragment(Fragment fragment, Consumer<Fragment> next) {
            Message processed = processOutgoing(new Message(fragment.type(), fragment.rsv(), fragment.payload()));
            next.accept(passesNull ? null : fragment.with(processed.rsv(), processed.payload()));
        }

        @Override
        public void close() {
            closeCalls++;
            if (failsOnClose) {
                throw new IllegalStateException(name + " failed to close");
            }
        }
    }
}
