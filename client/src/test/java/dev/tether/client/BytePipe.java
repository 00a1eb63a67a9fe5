package dev.tether.client;

import java.io.IOException;

/** Something that carries bytes, for the scripted TLS servers: a socket, or a TLS session's plaintext. */
interface BytePipe {
    /** The next bytes, blocking until some come; an {@link IOException} at the end. */
    byte[] readSome() throws IOException;

    void send(byte[] bytes) throws IOException;
}
