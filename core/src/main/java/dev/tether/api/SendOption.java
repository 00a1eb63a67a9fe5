package dev.tether.api;

/** How one message is sent, where it differs from the connection's defaults. */
public enum SendOption {
    /**
     * Sent as it is, never compressed, whatever compression extension the connection negotiated:
     * for data that is already compressed (images, video, archives), where deflating it again costs
     * CPU and saves nothing.
     */
    NO_COMPRESSION
}
