package dev.tether.servlet.endpoint;

import java.nio.ByteBuffer;

/**
 * A pong, as an {@code @OnMessage} method takes it: {@code @OnMessage void pong(PongMessage pong)}.
 *
 * @param payload the pong's application data (at most 125 bytes)
 */
public record PongMessage(ByteBuffer payload) {
}
