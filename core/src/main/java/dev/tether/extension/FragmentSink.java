package dev.tether.extension;

import dev.tether.message.Fragment;
import dev.tether.protocol.ProtocolException;

/**
 * Where a session passes on the fragments of a received message: the next session of the pipeline,
 * or the driver at its end, which may fail the connection on what it is given (bad UTF-8, a message
 * over the size limit).
 */
@FunctionalInterface
public interface FragmentSink {

    /**
     * Takes the next fragment; its payload is the receiver's from then on.
     *
     * @param fragment the next fragment of the message, in order
     * @throws ProtocolException when the message is bad; the connection fails with its close code
     */
    void accept(Fragment fragment) throws ProtocolException;
}
