package dev.tether.driver.hybi;

import dev.tether.driver.DriverOptions;
import dev.tether.message.MessageType;

/**
 * The largest message of each type accepted: the message limit, held to
 * {@link DriverOptions#LARGEST_WHOLE_MESSAGE} for a type whose messages are assembled whole (only
 * messages delivered in fragments may be larger than an array).
 */
record MessageLimits(long text, long binary) {

    static MessageLimits of(long maxMessageLength, boolean textInFragments, boolean binaryInFragments) {
        return new MessageLimits(limit(maxMessageLength, textInFragments), limit(maxMessageLength, binaryInFragments));
    }

    private static long limit(long maxMessageLength, boolean inFragments) {
        return inFragments ? maxMessageLength : DriverOptions.wholeMessageLimit(maxMessageLength);
    }

    long of(MessageType type) {
        return type == MessageType.TEXT ? text : binary;
    }
}
