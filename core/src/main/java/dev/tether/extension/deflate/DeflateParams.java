package dev.tether.extension.deflate;

import dev.tether.extension.ExtensionParams;

import java.util.HashSet;
import java.util.Set;

/**
 * The parameters of one permessage-deflate offer or response, checked as RFC 7692 §7 requires:
 * only the four parameters it defines, each at most once, the two {@code *_no_context_takeover}
 * without a value, window bits a decimal 8 to 15 without leading zeros. An element that breaks a
 * rule {@linkplain #parse parses} to null: a server declines that offer, a client fails the
 * handshake.
 *
 * @param serverNoContextTakeover {@code server_no_context_takeover} is present
 * @param clientNoContextTakeover {@code client_no_context_takeover} is present
 * @param serverMaxWindowBits     the value of {@code server_max_window_bits}, or {@link #ABSENT}
 * @param clientMaxWindowBits     the value of {@code client_max_window_bits}, {@link #NO_VALUE} when
 *                                it stands without one (in an offer only), or {@link #ABSENT}
 */
record DeflateParams(boolean serverNoContextTakeover, boolean clientNoContextTakeover,
                     int serverMaxWindowBits, int clientMaxWindowBits) {
    static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
    static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
    static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
    static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";
    /** The parameter is not there. */
    static final int ABSENT = 0;
    /** {@code client_max_window_bits} without a value: the client could use any window size. */
    static final int NO_VALUE = -1;
    /** The only window java.util.zip.Deflater compresses with. */
    static final int MAX_WINDOW_BITS = 15;

    /**
     * Checks an element's parameters.
     *
     * @param response whether it is a server's response, where {@code client_max_window_bits} needs
     *                 a value (RFC 7692 §7.1.2.2); in an offer it may stand alone
     * @return the parameters, or null when the element breaks one of RFC 7692's rules
     */
    static DeflateParams parse(ExtensionParams element, boolean response) {
        boolean serverNoTakeover = false;
        boolean clientNoTakeover = false;
        int serverBits = ABSENT;
        int clientBits = ABSENT;
        Set<String> seen = new HashSet<>();
        for (ExtensionParams.Param param : element.params()) {
            if (!seen.add(param.name())) {
                return null; // §7: each parameter at most once
            }
            switch (param.name()) {
                case SERVER_NO_CONTEXT_TAKEOVER, CLIENT_NO_CONTEXT_TAKEOVER -> {
                    if (!param.isFlag()) {
                        return null; // §7.1.1: no value
                    }
                    if (param.name().equals(SERVER_NO_CONTEXT_TAKEOVER)) {
                        serverNoTakeover = true;
                    } else {
                        clientNoTakeover = true;
                    }
                }
                case SERVER_MAX_WINDOW_BITS -> {
                    serverBits = windowBits(param.value()); // §7.1.2.1: a value, always
                    if (serverBits == ABSENT) {
                        return null;
                    }
                }
                case CLIENT_MAX_WINDOW_BITS -> {
                    if (param.isFlag() && !response) {
                        clientBits = NO_VALUE;
                    } else {
                        clientBits = windowBits(param.value()); // §7.1.2.2: a response gives a value
                        if (clientBits == ABSENT) {
                            return null;
                        }
                    }
                }
                default -> {
                    return null; // §7: an unknown parameter
                }
            }
        }
        return new DeflateParams(serverNoTakeover, clientNoTakeover, serverBits, clientBits);
    }

    /** 8 to 15 in decimal without leading zeros (RFC 7692 §7.1.2.1), else {@link #ABSENT}. */
    private static int windowBits(String value) {
        if (value == null || value.isEmpty() || value.length() > 2 || value.charAt(0) == '0') {
            return ABSENT;
        }
        int bits = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return ABSENT;
            }
            bits = bits * 10 + (c - '0');
        }
        return bits >= 8 && bits <= MAX_WINDOW_BITS ? bits : ABSENT;
    }
}
