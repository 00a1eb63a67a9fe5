/**
 * Server-sent events whatever carries them: {@link dev.tether.runtime.sse.EventStream}, one stream
 * over an {@link dev.tether.runtime.Output} (queueing, buffer limit and overflow policy, keepalive,
 * stall timeout, close), configured by {@link dev.tether.runtime.sse.EventStreamOptions};
 * {@link dev.tether.runtime.sse.EventBroadcaster} for many subscribers with {@code Last-Event-ID}
 * replay; {@link dev.tether.runtime.sse.OpenStreams} to close a server's streams together. A server
 * adapter (the servlet adapter's {@code EventSources}) sends the response head and hands the body
 * over as an {@code Output}.
 */
package dev.tether.runtime.sse;
