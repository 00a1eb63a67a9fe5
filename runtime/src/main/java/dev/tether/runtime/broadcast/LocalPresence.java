package dev.tether.runtime.broadcast;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The presence of a topic in one process: its members are this node's. A handle on state that
 * exists while the topic has members or listeners (see {@link LocalBroker}); listeners are called
 * on the thread that entered or left.
 */
final class LocalPresence implements Presence {

    /** Members in the order they entered, and listeners; guarded by the map's per-key atomicity. */
    static final class State {
        final List<Member> members = new ArrayList<>();
        final List<Runnable> listeners = new CopyOnWriteArrayList<>();

        boolean unused() {
            return members.isEmpty() && listeners.isEmpty();
        }
    }

    private final String topic;
    private final Map<String, State> states;

    LocalPresence(String topic, Map<String, State> states) {
        this.topic = topic;
        this.states = states;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public Membership enter(String name) {
        Member member = new Member(Objects.requireNonNull(name, "name"));
        State state = states.compute(topic, (t, s) -> {
            State entered = s == null ? new State() : s;
            entered.members.add(member);
            return entered;
        });
        notify(state);
        return member;
    }

    @Override
    public CompletionStage<List<String>> members() {
        List<String> names = new ArrayList<>();
        states.computeIfPresent(topic, (t, s) -> {
            s.members.forEach(member -> names.add(member.name));
            return s;
        });
        return CompletableFuture.completedFuture(List.copyOf(names));
    }

    @Override
    public void addListener(Runnable listener) {
        Objects.requireNonNull(listener, "listener");
        states.compute(topic, (t, s) -> {
            State state = s == null ? new State() : s;
            state.listeners.add(listener);
            return state;
        });
    }

    @Override
    public void removeListener(Runnable listener) {
        states.computeIfPresent(topic, (t, s) -> {
            s.listeners.remove(listener);
            return s.unused() ? null : s;
        });
    }

    private static void notify(State state) {
        for (Runnable listener : state.listeners) {
            listener.run();
        }
    }

    @Override
    public String toString() {
        return "presence of " + topic;
    }

    private final class Member implements Membership {
        private final String name;

        Member(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void leave() {
            State[] left = new State[1];
            states.computeIfPresent(topic, (t, s) -> {
                if (s.members.remove(this)) left[0] = s;
                return s.unused() ? null : s;
            });
            if (left[0] != null) LocalPresence.notify(left[0]);
        }
    }
}
