package dev.tether.protocol;

/** Which end of the connection a driver plays: it decides who masks frames (RFC 6455 §5.1). */
public enum Role {
    /** Accepts connections; expects masked frames and sends unmasked ones. */
    SERVER,
    /** Opens connections; masks every frame it sends and expects unmasked ones. */
    CLIENT
}
