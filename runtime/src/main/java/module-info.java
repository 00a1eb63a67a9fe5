/**
 * Tether's connection runtime: the role-neutral WebSocket connection (lock, serial events, the queue
 * of sends made before open, outbound queue, overflow policy, drain, timers, lent buffers) over a
 * narrow {@link dev.tether.runtime.Transport}. Depends on the JDK and the core only; servers and
 * clients plug in their own transports.
 */
module dev.tether.runtime {
    requires transitive dev.tether.core;

    exports dev.tether.runtime;
    exports dev.tether.runtime.connection;
    // Send completions and event delivery, for the adapters' own connections (server-sent events).
    exports dev.tether.runtime.io;
}
