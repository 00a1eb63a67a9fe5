package dev.tether.extension;

import dev.tether.message.Fragment;
import dev.tether.message.Message;
import dev.tether.protocol.ProtocolException;
import dev.tether.protocol.Role;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The extensions of one connection: negotiates them in the opening handshake, then runs messages
 * through the agreed sessions, in the model of faye's websocket-extensions.
 *
 * <p>A server calls {@link #generateResponse}; a client calls {@link #generateOffer} and then
 * {@link #activate} with the server's answer. Afterwards {@link #processOutgoing} runs a message
 * through the sessions in negotiated order (A, B, C) and {@link #processIncoming} in the reverse
 * order (C, B, A), so each extension undoes on receipt exactly what its peer did on sending. When
 * every active session {@linkplain #processesFragments() processes fragments},
 * {@link #incomingFragments} and {@link #outgoingFragments} do the same fragment by fragment.
 * {@link #close} frees the sessions.
 *
 * <p>Not thread-safe: like the rest of the sans-IO core, it is driven from one thread at a time.
 */
public final class Extensions {

    private enum State { NEW, OFFERED, NEGOTIATED, CLOSED }

    private final List<Extension> supported;
    private final ExtensionContext context;

    /** Made with the first reservation. */
    private RsvReservations reservations;
    /** The sessions in pipeline order; the shared {@link ActiveSessions#NONE} until the first is agreed (most connections agree none). */
    private ActiveSessions active = ActiveSessions.NONE;
    /** Every session created and not yet closed, active or merely offered; an ArrayList from the first one. */
    private List<Binding> open = List.of();
    private State state = State.NEW;

    /**
     * @param supported the extensions this end supports, most preferred first: a server answers
     *                  in this order and a client offers in it
     * @param context   passed to every session created
     * @throws IllegalArgumentException if two extensions have the same name, a name is not a token,
     *                                  or RSV bits are outside {@link Message#RSV_MASK}
     */
    public Extensions(List<Extension> supported, ExtensionContext context) {
        this.supported = List.copyOf(supported);
        this.context = Objects.requireNonNull(context, "context");
        Set<String> names = new HashSet<>();
        for (Extension extension : this.supported) {
            String name = extension.name();
            if (name == null || !ExtensionHeader.isToken(name)) {
                throw new IllegalArgumentException("extension name is not a token: " + name);
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("an extension named \"" + name + "\" is already registered");
            }
            if ((extension.rsvBits() & ~Message.RSV_MASK) != 0) {
                throw new IllegalArgumentException("extension \"" + name + "\" claims bits other than RSV1-3: 0x"
                        + Integer.toHexString(extension.rsvBits()));
            }
        }
    }

    /**
     * Server side: answers the client's offers. For each supported extension in registration order,
     * the client's offers of it (in the client's order of preference) go to
     * {@link Extension#createServerSession}, unless an extension agreed before holds one of its RSV
     * bits. Offers of unknown extensions are ignored.
     *
     * @param offerHeader the request's {@code Sec-WebSocket-Extensions} value, several lines joined
     *                    with {@code ", "}; null when the request has none
     * @return the response header value in activation order, or null when nothing was agreed
     * @throws IllegalArgumentException if the header is malformed (answer 400 Bad Request)
     * @throws IllegalStateException    if this is not a server, negotiation already happened, or an
     *                                  extension answered with a bad response
     */
    public String generateResponse(String offerHeader) {
        requireRole(Role.SERVER, "generateResponse");
        requireState(State.NEW, "generateResponse");
        if (offerHeader == null) {
            state = State.NEGOTIATED;
            return null;
        }
        Map<String, List<ExtensionParams>> offers = ExtensionHeader.groupByName(ExtensionHeader.parse(offerHeader));
        List<String> responses = new ArrayList<>();
        try {
            for (Extension extension : supported) {
                List<ExtensionParams> offersOfIt = offers.get(extension.name());
                if (offersOfIt == null || conflict(extension) != null) {
                    continue;
                }
                ExtensionSession session = extension.createServerSession(offersOfIt, context);
                if (session == null) {
                    continue; // declined
                }
                Binding binding = new Binding(extension, session);
                addOpen(binding);
                responses.add(serializeOwn(extension, session.generateResponse(), "response"));
                activate(extension, binding);
            }
        } catch (RuntimeException e) {
            failAndRethrow(e);
        }
        state = State.NEGOTIATED;
        return responses.isEmpty() ? null : String.join(", ", responses);
    }

    /**
     * Client side: creates a session for each supported extension and collects their offers, in
     * registration order. An extension whose {@link Extension#createClientSession} or
     * {@link ExtensionSession#generateOffer} returns null is not offered.
     *
     * <p>Extensions sharing an RSV bit are all offered, as alternatives: the server may accept at
     * most one of them, which {@link #activate} checks.
     *
     * @return the request's {@code Sec-WebSocket-Extensions} value, or null to send none
     * @throws IllegalStateException if this is not a client, this was already called, or an
     *                               extension generated a bad offer
     */
    public String generateOffer() {
        requireRole(Role.CLIENT, "generateOffer");
        requireState(State.NEW, "generateOffer");
        List<String> offers = new ArrayList<>();
        try {
            for (Extension extension : supported) {
                ExtensionSession session = extension.createClientSession(context);
                if (session == null) {
                    continue;
                }
                Binding binding = new Binding(extension, session);
                addOpen(binding);
                ExtensionParams offer = session.generateOffer();
                if (offer == null) {
                    closeEach(List.of(binding));
                    continue;
                }
                offers.add(serializeOwn(extension, offer, "offer"));
            }
        } catch (RuntimeException e) {
            failAndRethrow(e);
        }
        state = State.OFFERED;
        return offers.isEmpty() ? null : String.join(", ", offers);
    }

    /**
     * Client side: accepts the server's response. Every element must name an extension this client
     * offered, at most once, without an RSV bit that an earlier element took, and with parameters
     * its session {@linkplain ExtensionSession#activate accepts}. The pipeline follows the server's
     * order. Sessions offered but not accepted are closed.
     *
     * <p>On failure every session is closed and this object is unusable; the handshake must fail.
     *
     * @param responseHeader the response's {@code Sec-WebSocket-Extensions} value, several lines
     *                       joined with {@code ", "}; null when the response has none
     * @throws IllegalArgumentException naming the extension and the check it failed, or the syntax
     *                                  error in the header
     * @throws IllegalStateException    if this is not a client or {@link #generateOffer} was not
     *                                  called just before
     */
    public void activate(String responseHeader) {
        requireRole(Role.CLIENT, "activate");
        requireState(State.OFFERED, "activate");
        try {
            if (responseHeader != null) {
                for (ExtensionParams response : ExtensionHeader.parse(responseHeader)) {
                    activateOne(response);
                }
            }
            List<Binding> unaccepted = new ArrayList<>(open);
            unaccepted.removeAll(active.all());
            rethrowIfAny(closeEach(unaccepted));
        } catch (RuntimeException e) {
            failAndRethrow(e);
        }
        state = State.NEGOTIATED;
    }

    private void activateOne(ExtensionParams response) {
        String name = response.name();
        Binding binding = findOpen(name);
        if (binding == null) {
            throw refused(name, "which the client did not offer");
        }
        if (active.contains(binding)) {
            throw refused(name, "twice");
        }
        String conflict = conflict(binding.extension());
        if (conflict != null) {
            throw refused(name, "but " + conflict);
        }
        if (!binding.session().activate(response)) {
            throw refused(name, "with parameters the extension rejects: "
                    + Excerpt.quote(ExtensionHeader.serialize(List.of(response))));
        }
        activate(binding.extension(), binding);
    }

    private String conflict(Extension extension) {
        return reservations == null ? null : reservations.conflict(extension);
    }

    /** {@code binding}'s session is agreed: it takes its RSV bits and joins the pipeline. */
    private void activate(Extension extension, Binding binding) {
        if (reservations == null) {
            reservations = new RsvReservations();
        }
        reservations.reserve(extension);
        if (active == ActiveSessions.NONE) {
            active = new ActiveSessions();
        }
        active.add(binding);
    }

    private void addOpen(Binding binding) {
        if (open.isEmpty()) {
            open = new ArrayList<>(2);
        }
        open.add(binding);
    }

    private static IllegalArgumentException refused(String name, String reason) {
        return new IllegalArgumentException(ExtensionHeader.NAME + ": the server accepted \"" + name + "\" " + reason);
    }

    /**
     * The RSV bits the active extensions may set, as a mask of {@link Message#RSV1} … Per RFC 7692
     * §6, and faye's {@code validFrameRsv}, the frame parser allows them only on the first frame of
     * a data message, never on a continuation or control frame.
     *
     * @return the union of the active extensions' RSV bits; 0 when none is active
     */
    public int allowedRsv() {
        return reservations == null ? 0 : reservations.bits();
    }

    /**
     * The names of the active extensions, in pipeline (outgoing) order.
     *
     * @return an unmodifiable list; empty before negotiation and when nothing was agreed
     */
    public List<String> names() {
        return active.names();
    }

    /**
     * Whether no extension is active, so messages pass through unchanged.
     *
     * @return true when no session is active
     */
    public boolean isEmpty() {
        return active.isEmpty();
    }

    /**
     * Runs a received message through the active sessions, last negotiated first.
     *
     * @param message the message as received
     * @return the message as the first negotiated session leaves it; {@code message} itself when no
     *         extension is active
     * @throws ProtocolException    from the first session that finds the message bad; later
     *                              sessions do not see it
     * @throws IllegalStateException after {@link #close}
     */
    public Message processIncoming(Message message) throws ProtocolException {
        requireNotClosed("processIncoming");
        return active.incoming(message);
    }

    /**
     * Runs a message about to be sent through the active sessions, first negotiated first.
     *
     * @param message the message as the application sent it
     * @return the message to frame, as the last negotiated session leaves it; {@code message} itself
     *         when no extension is active
     * @throws IllegalStateException after {@link #close}
     */
    public Message processOutgoing(Message message) {
        requireNotClosed("processOutgoing");
        return active.outgoing(message);
    }

    /**
     * Whether messages can go through the active sessions fragment by fragment: every one of them
     * {@linkplain ExtensionSession#processesFragments() processes fragments}. True when none is
     * active, as there is nothing to assemble a message for.
     *
     * @return true when received and sent fragments may go through {@link #incomingFragments} and
     *         {@link #outgoingFragments}
     */
    public boolean processesFragments() {
        return active.processesFragments();
    }

    /**
     * The pipeline for received fragments, ending in {@code delivery}: a sink that runs each fragment
     * through the active sessions, last negotiated first. Build it once, after negotiation.
     *
     * @param delivery where the fragments go once every session has transformed them: the driver
     * @return the sink to pass each received fragment to, in order
     * @throws IllegalStateException unless {@link #processesFragments()}; and, from the sink, after
     *                               {@link #close} or when a session passes on null
     */
    public FragmentSink incomingFragments(FragmentSink delivery) {
        requireFragments("incomingFragments");
        FragmentSink pipeline = active.incomingFragments(Objects.requireNonNull(delivery, "delivery"));
        return fragment -> {
            requireNotClosed("incomingFragments");
            pipeline.accept(fragment);
        };
    }

    /**
     * The pipeline for fragments sent, ending in {@code wire}: runs each fragment through the active
     * sessions, first negotiated first.
     *
     * @param wire where the fragments go once every session has transformed them, to be framed
     * @return the consumer to pass each fragment sent to, in order
     * @throws IllegalStateException as {@link #incomingFragments}
     */
    public Consumer<Fragment> outgoingFragments(Consumer<Fragment> wire) {
        requireFragments("outgoingFragments");
        Consumer<Fragment> pipeline = active.outgoingFragments(Objects.requireNonNull(wire, "wire"));
        return fragment -> {
            requireNotClosed("outgoingFragments");
            pipeline.accept(fragment);
        };
    }

    private void requireFragments(String operation) {
        if (!processesFragments()) {
            throw new IllegalStateException(operation + ": an active extension works on whole messages only");
        }
    }

    /**
     * Closes every session this object created and has not closed yet, each exactly once. Calling
     * it again does nothing. If a session's close throws, the others are still closed, and then the
     * first failure is rethrown with the later ones {@linkplain Throwable#getSuppressed suppressed}.
     */
    public void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        rethrowIfAny(closeEach(new ArrayList<>(open)));
    }

    /** Closes the given open sessions; returns the first failure, with later ones suppressed. */
    private RuntimeException closeEach(List<Binding> bindings) {
        RuntimeException first = null;
        for (Binding binding : bindings) {
            open.remove(binding); // before close(): a session that throws is not closed twice
            try {
                binding.session().close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        return first;
    }

    private static void rethrowIfAny(RuntimeException failure) {
        if (failure != null) {
            throw failure;
        }
    }

    /** A negotiation step failed: nothing negotiated survives it. */
    private void failAndRethrow(RuntimeException e) {
        state = State.CLOSED;
        active = ActiveSessions.NONE;
        RuntimeException closeFailure = closeEach(new ArrayList<>(open));
        if (closeFailure != null) {
            e.addSuppressed(closeFailure);
        }
        throw e;
    }

    private Binding findOpen(String name) {
        for (Binding binding : open) {
            if (binding.extension().name().equals(name)) {
                return binding;
            }
        }
        return null;
    }

    /**
     * Serializes an offer or response one of our extensions made: a bad one is that extension's bug,
     * not the peer's fault, hence not an IllegalArgumentException.
     */
    private static String serializeOwn(Extension extension, ExtensionParams params, String what) {
        String name = extension.name();
        if (params == null) {
            throw new IllegalStateException("extension \"" + name + "\" generated no " + what);
        }
        if (!params.name().equals(name)) {
            throw new IllegalStateException("extension \"" + name + "\" generated its " + what
                    + " under the name \"" + params.name() + "\"");
        }
        try {
            return ExtensionHeader.serialize(List.of(params));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("extension \"" + name + "\" generated an invalid " + what
                    + ": " + e.getMessage(), e);
        }
    }

    private void requireRole(Role role, String operation) {
        if (context.role() != role) {
            throw new IllegalStateException(operation + " is for a " + role.name().toLowerCase(Locale.ROOT)
                    + ", this is a " + context.role().name().toLowerCase(Locale.ROOT));
        }
    }

    private void requireState(State expected, String operation) {
        if (state != expected) {
            throw new IllegalStateException(operation + " called out of turn: negotiation is at "
                    + state + ", not " + expected);
        }
    }

    private void requireNotClosed(String operation) {
        if (state == State.CLOSED) {
            throw new IllegalStateException(operation + " after close");
        }
    }
}
