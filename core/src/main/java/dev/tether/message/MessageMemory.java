package dev.tether.message;

import dev.tether.api.CloseCodes;
import dev.tether.protocol.ProtocolException;

/**
 * What one message being received has taken from a {@link MemoryBudget}, for the buffer it grows
 * in: the buffer asks before it grows, and everything goes back at once when the message is
 * delivered or dropped. Used by one thread at a time, as a connection's input is.
 */
public final class MessageMemory {
    private final MemoryBudget budget;
    private long reserved;

    /**
     * Memory for one message, nothing taken yet.
     *
     * @param budget the budget the message takes from
     */
    public MessageMemory(MemoryBudget budget) {
        this.budget = budget;
    }

    /**
     * The capacity a buffer that must hold {@code needed} bytes may grow to: {@code wanted} when the
     * budget has it, or as much of it as is left, down to {@code needed}. What the message held
     * before counts towards it.
     *
     * @param needed the bytes the buffer must hold
     * @param wanted the capacity the buffer would like, usually more than {@code needed} to grow in
     *               fewer steps
     * @return the capacity the buffer may have, at least {@code needed}
     * @throws ProtocolException 1009 when {@code needed} is more than the whole budget (the message
     *                           can never be received), 1013 when it is more than is left now
     */
    public int grow(int needed, int wanted) throws ProtocolException {
        if (needed > budget.limit()) {
            throw new ProtocolException(CloseCodes.MESSAGE_TOO_BIG,
                    "a message of at least " + needed + " bytes is more than the memory allowed for messages being received");
        }
        int most = Math.max(needed, wanted);
        if (most <= reserved) {
            return most;
        }
        long taken = budget.reserveBetween(Math.max(0, needed - reserved), most - reserved);
        if (taken < 0) {
            throw new ProtocolException(CloseCodes.TRY_AGAIN_LATER,
                    "the server is short of memory for messages being received: try again later");
        }
        reserved += taken;
        return (int) reserved;
    }

    /** Gives back everything the message took. */
    public void release() {
        if (reserved > 0) {
            long held = reserved;
            reserved = 0;
            budget.release(held);
        }
    }

    /**
     * What the message holds now, in bytes.
     *
     * @return the bytes taken from the budget for this message and not yet given back
     */
    public long reserved() {
        return reserved;
    }
}
