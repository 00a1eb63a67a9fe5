package dev.tether.driver.handshake;

import java.util.Objects;

/**
 * The head of an HTTP/1.x response: status line and header fields, as read by
 * {@link HttpResponseHeadParser}.
 *
 * @param status  the three-digit status code, e.g. 101
 * @param reason  the reason phrase, possibly empty, never null
 * @param headers the header fields in order (read-only when produced by the parser)
 */
public record HttpResponseHead(int status, String reason, HttpHeaders headers) {
    /**
     * Checks the components.
     *
     * @param status  the status code
     * @param reason  the reason phrase, possibly empty
     * @param headers the header fields in order
     * @throws NullPointerException if {@code reason} or {@code headers} is null
     */
    public HttpResponseHead {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(headers, "headers");
    }
}
