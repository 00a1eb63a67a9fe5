/**
 * Server-sent events (EventSource) in any Servlet 6 container: {@link dev.tether.servlet.sse.EventSources}
 * to detect and start a stream from any servlet or filter, {@link dev.tether.servlet.sse.EventSourceServlet}
 * and {@link dev.tether.servlet.sse.EventSourceFilter} ready-made, {@link dev.tether.servlet.sse.EventSourceOptions}
 * for retry, keepalive, headers and buffer limits, and {@link dev.tether.servlet.sse.EventBroadcaster}
 * for many subscribers with {@code Last-Event-ID} replay.
 */
package dev.tether.servlet.sse;
