package dev.tether.driver.internal;

/**
 * How a driver ends the connection when its input asks (the peer's close frame, or a protocol
 * violation): at once, or, when its events are delivered later ({@code DriverEvents.deliversLater()}),
 * held until the owner releases it. Not thread-safe: owned by one driver.
 *
 * <p>It takes that answer as a flag, not the events, so this package depends on nothing above it.
 */
public final class HeldClose {
    private final boolean holds;
    private Runnable ending;

    /** @param holds whether endings are held for {@link #release()} rather than run at once */
    public HeldClose(boolean holds) {
        this.holds = holds;
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
