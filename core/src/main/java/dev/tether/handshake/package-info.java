/**
 * The opening handshakes, each ending in a driver: {@link dev.tether.handshake.ServerHandshake}
 * answers a request and makes the server's driver for the draft it speaks;
 * {@link dev.tether.handshake.ClientHandshake} and {@link dev.tether.handshake.ClientDriver} make a
 * client's request and check the answer. Above the drivers (it picks and builds them), so the driver
 * packages never depend back on it; the HTTP pieces both sides use are in
 * {@link dev.tether.driver.handshake}.
 */
package dev.tether.handshake;
