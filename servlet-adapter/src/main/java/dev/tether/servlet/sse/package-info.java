/**
 * Server-sent events (EventSource) in any Servlet 6 container: {@link dev.tether.servlet.sse.EventSources}
 * to detect and start a stream from any servlet or filter, {@link dev.tether.servlet.sse.EventSourceServlet}
 * and {@link dev.tether.servlet.sse.EventSourceFilter} ready-made, {@link dev.tether.servlet.sse.EventSourceOptions}
 * for headers and (through {@link dev.tether.runtime.sse.EventStreamOptions}) retry, keepalive and
 * buffer limits. Only the servlet glue lives here: the stream itself is the runtime's
 * {@link dev.tether.runtime.sse.EventStream}, and {@link dev.tether.runtime.sse.EventBroadcaster}
 * serves many subscribers with {@code Last-Event-ID} replay.
 */
package dev.tether.servlet.sse;
