/**
 * Server-sent events (WHATWG HTML {@code text/event-stream}), both ways, sans-IO. Sending:
 * {@link dev.tether.sse.SseEvent} holds one event's fields and {@link dev.tether.sse.SseEncoder}
 * turns events, comments and retry hints into UTF-8 bytes ready to write to every subscriber;
 * {@link dev.tether.sse.ReplayBuffer} keeps the newest for clients that reconnect. Receiving:
 * {@link dev.tether.sse.EventStreamParser} reads a stream as an EventSource client does and
 * dispatches each {@link dev.tether.sse.ReceivedEvent}.
 */
package dev.tether.sse;
