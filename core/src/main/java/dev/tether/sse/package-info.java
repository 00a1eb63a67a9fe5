/**
 * Server-sent events (WHATWG HTML {@code text/event-stream}) encoding: {@link dev.tether.sse.SseEvent}
 * holds one event's fields and {@link dev.tether.sse.SseEncoder} turns events, comments and retry
 * hints into UTF-8 bytes ready to write to every subscriber.
 */
package dev.tether.sse;
