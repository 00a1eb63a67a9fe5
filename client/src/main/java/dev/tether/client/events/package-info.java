/**
 * The EventSource client's inside, over java.net.http: {@code StreamConnection} is the reconnection
 * loop behind an {@code EventSourceConnection}, {@code StreamAttempt} one request and its stream
 * (the body handler, the chunks into the core's {@code EventStreamParser}), {@code Failures} what
 * the JDK reported said plainly, {@code HttpClients} the HttpClient made from the client's TLS and
 * proxy options. Not exported.
 */
package dev.tether.client.events;
