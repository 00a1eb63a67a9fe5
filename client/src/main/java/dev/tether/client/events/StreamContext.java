package dev.tether.client.events;

import dev.tether.client.ProxyOptions;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What an {@code EventSourceClient} shares with its connections.
 *
 * @param http           the client's HttpClient
 * @param executor       runs listener calls (and java.net.http's work)
 * @param scheduler      times reconnections; its tasks hand their work to {@code executor}
 * @param connectTimeout from a request to its response's head
 * @param proxy          the proxy options, for messages
 * @param proxyHeaders   {@code Proxy-*} headers every request carries ({@link HttpClients#proxyHeaders})
 */
public record StreamContext(HttpClient http, Executor executor, ScheduledExecutorService scheduler,
                            Duration connectTimeout, ProxyOptions proxy, Map<String, String> proxyHeaders) {
}
