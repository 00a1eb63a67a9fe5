package dev.tether.runtime;

/** What a send that would pass {@code outboundLimit} does. Either way that send fails. */
public enum OverflowPolicy {
    /** The send fails with {@code OutboundOverflowException}; the connection carries on. */
    FAIL_SEND,
    /** The send fails and the connection is closed with 1008 (policy violation). */
    CLOSE_POLICY_VIOLATION,
    /** The send fails and the connection is closed with 1013 (try again later). */
    CLOSE_TRY_AGAIN_LATER
}
