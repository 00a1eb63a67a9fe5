package dev.tether.runtime.broadcast;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Who is in a topic, on every node: the names of a chat room's members, a count of viewers. Each node
 * enters its own members; {@link #members()} lists those of every node that shares the topic. On a
 * broker, a node's members disappear from the others' lists when the node stops sending heartbeats
 * (it crashed), within the time the broker's options state. Thread-safe.
 */
public interface Presence {

    /**
     * The topic this presence belongs to.
     *
     * @return the topic's name
     */
    String topic();

    /**
     * Adds a member called {@code name} on this node, until {@link Membership#leave()}.
     *
     * @param name the member's name, as {@link #members()} lists it
     * @return the membership, to leave with
     */
    Membership enter(String name);

    /**
     * The members' names on every node, in the order they entered (a name may appear twice: names
     * are not made unique across nodes).
     *
     * @return a stage completed with the names of the members of every node
     */
    CompletionStage<List<String>> members();

    /**
     * Calls {@code listener} whenever the members may have changed, on any node: one entered or
     * left, or a node's members expired. It is called on a broker or caller thread, must not block,
     * and is told nothing but that it should look again ({@link #members()}).
     *
     * @param listener called on every change of the members
     */
    void addListener(Runnable listener);

    /**
     * Stops calling {@code listener}.
     *
     * @param listener a listener added with {@link #addListener(Runnable)}
     */
    void removeListener(Runnable listener);

    /** One member entered on this node. */
    interface Membership {
        /**
         * The name it entered with.
         *
         * @return the member's name
         */
        String name();

        /** Removes the member (again: nothing). */
        void leave();
    }
}
