/**
 * Tether's connection runtime: the role-neutral WebSocket connection (lock, serial events, the queue
 * of sends made before open, outbound queue, overflow policy, drain, timers, lent buffers) over a
 * narrow {@link dev.tether.runtime.Transport}, and the server-sent event stream and broadcaster over an
 * {@link dev.tether.runtime.Output}. Depends on the JDK and the core only; servers and
 * clients plug in their own transports.
 */
module dev.tether.runtime {
    requires transitive dev.tether.core;

    exports dev.tether.runtime;
    exports dev.tether.runtime.connection;
    // Server-sent event streams over an Output, for the adapters (the servlet adapter's EventSources).
    exports dev.tether.runtime.sse;
    // Topics and presence, in one process or shared by several through a broker.
    exports dev.tether.runtime.broadcast;
    // The outbound queue, send completions and event delivery, for adapters that drive their own outputs.
    exports dev.tether.runtime.io;
}
