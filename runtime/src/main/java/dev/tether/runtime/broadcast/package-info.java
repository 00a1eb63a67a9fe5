/**
 * Broadcast behind interfaces, so that one application runs on one server or on several:
 * {@link dev.tether.runtime.broadcast.Broker} makes {@link dev.tether.api.WebSocketTopic}s,
 * {@link dev.tether.runtime.broadcast.EventTopic}s and {@link dev.tether.runtime.broadcast.Presence}s;
 * {@link dev.tether.runtime.broadcast.LocalBroker} keeps them in this process, a broker module (the
 * Redis broker) shares them between nodes.
 */
package dev.tether.runtime.broadcast;
