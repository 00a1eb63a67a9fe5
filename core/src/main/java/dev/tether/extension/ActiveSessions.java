package dev.tether.extension;

import dev.tether.message.Fragment;
import dev.tether.message.Message;
import dev.tether.protocol.ProtocolException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The sessions agreed on for one connection, in pipeline (outgoing) order, and the running of
 * messages and fragments through them: outgoing in that order, incoming in the reverse one.
 * {@link Extensions} negotiates what goes in here and checks it is not closed before each use.
 */
final class ActiveSessions {
    /** None: shared by every connection without extensions, so it cannot be added to. */
    static final ActiveSessions NONE = new ActiveSessions(List.of());

    private final List<Binding> bindings;

    ActiveSessions() {
        this(new ArrayList<>(2));
    }

    private ActiveSessions(List<Binding> bindings) {
        this.bindings = bindings;
    }

    void add(Binding binding) {
        bindings.add(binding);
    }

    boolean contains(Binding binding) {
        return bindings.contains(binding);
    }

    List<Binding> all() {
        return bindings;
    }

    boolean isEmpty() {
        return bindings.isEmpty();
    }

    List<String> names() {
        List<String> names = new ArrayList<>(bindings.size());
        for (Binding binding : bindings) {
            names.add(binding.extension().name());
        }
        return List.copyOf(names);
    }

    Message incoming(Message message) throws ProtocolException {
        Message current = message;
        for (int i = bindings.size() - 1; i >= 0; i--) {
            Binding binding = bindings.get(i);
            current = binding.requireMessage(binding.session().processIncoming(current));
        }
        return current;
    }

    Message outgoing(Message message) {
        Message current = message;
        for (Binding binding : bindings) {
            current = binding.requireMessage(binding.session().processOutgoing(current));
        }
        return current;
    }

    boolean processesFragments() {
        for (Binding binding : bindings) {
            if (!binding.session().processesFragments()) {
                return false;
            }
        }
        return true;
    }

    /** A sink through every session, last negotiated first, then {@code delivery}. */
    FragmentSink incomingFragments(FragmentSink delivery) {
        FragmentSink next = delivery;
        for (Binding binding : bindings) { // built from the far end: the first negotiated runs last
            FragmentSink after = next;
            FragmentSink checked = fragment -> after.accept(binding.requireFragment(fragment));
            next = fragment -> binding.session().processIncomingFragment(fragment, checked);
        }
        return next;
    }

    /** A sink through every session, first negotiated first, then {@code wire}. */
    Consumer<Fragment> outgoingFragments(Consumer<Fragment> wire) {
        Consumer<Fragment> next = wire;
        for (int i = bindings.size() - 1; i >= 0; i--) { // built from the far end: the last negotiated runs last
            Binding binding = bindings.get(i);
            Consumer<Fragment> after = next;
            Consumer<Fragment> checked = fragment -> after.accept(binding.requireFragment(fragment));
            next = fragment -> binding.session().processOutgoingFragment(fragment, checked);
        }
        return next;
    }
}
