package dev.tether.runtime.connection;

import dev.tether.driver.Driver;
import dev.tether.driver.DriverEvents;
import dev.tether.driver.WireOutput;

/**
 * Makes the driver of a connection, wired to the connection's events and output: a server's from its
 * handshake answer, a client's from its handshake request.
 */
@FunctionalInterface
public interface DriverFactory {
    /**
     * Makes the driver of one connection.
     *
     * @param events where the driver reports what it parsed: messages, pings, close, failures
     * @param output where the driver writes its frames and handshake bytes
     * @return the driver, not started yet
     */
    Driver create(DriverEvents events, WireOutput output);
}
