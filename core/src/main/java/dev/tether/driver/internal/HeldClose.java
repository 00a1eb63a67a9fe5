package dev.tether.driver.internal;

import dev.tether.driver.DriverEvents;

/**
 * How a driver ends the connection when its input asks (the peer's close frame, or a protocol
 * violation): at once, or, when its events are {@link DriverEvents#deliversLater() delivered later},
 * held until the owner releases it. Not thread-safe: owned by one driver.
 */
public final class HeldClose {
    private final boolean holds;
    private Runnable ending;

    public HeldClose(DriverEvents events) {
        this.holds = events.deliversLater();
    }

    /** Ends now, or holds {@code ending} for {@link #release()}; true when it was held. */
    public boolean end(Runnable ending) {
        if (holds) {
            this.ending = ending;
            return true;
        }
        ending.run();
        return false;
    }

    public boolean isHeld() {
        return ending != null;
    }

    /** Runs the held ending, once; nothing when none is held. */
    public void release() {
        Runnable held = ending;
        if (held != null) {
            ending = null;
            held.run();
        }
    }

    /** Forgets the held ending: the connection ended otherwise. */
    public void drop() {
        ending = null;
    }
}
