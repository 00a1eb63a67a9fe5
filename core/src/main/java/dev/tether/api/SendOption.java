package dev.tether.api;

/** How one message is sent, where it differs from the connection's defaults. */
public enum SendOption {
    /**
     * Sent as it is, not compressed by permessage-deflate (or any extension that honours
     * {@link dev.tether.message.Message#compressible()}): for data that is already compressed
     * (images, video, archives), where deflating it again costs CPU and saves nothing.
     */
    NO_COMPRESSION
}
