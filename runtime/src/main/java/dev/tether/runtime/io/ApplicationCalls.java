package dev.tether.runtime.io;

/**
 * The application's calls into a connection ({@code send}, {@code close} …), marked on the calling
 * thread so that the listener events they cause are not delivered inside them: an application
 * sending to socket B while it holds its own lock (a broadcast) must not find B's {@code onClose}
 * running in the middle of its call.
 */
public final class ApplicationCalls {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private ApplicationCalls() {
    }

    /**
     * Marks the start of an application's call; pass the result to {@link #leave}.
     *
     * @return this thread's call depth counter, to hand back to {@link #leave}
     */
    public static int[] enter() {
        int[] calls = DEPTH.get();
        calls[0]++;
        return calls;
    }

    /**
     * Marks the end of the application's call that {@link #enter} began, in a {@code finally}.
     *
     * @param calls what that {@link #enter} returned
     */
    public static void leave(int[] calls) {
        calls[0]--;
    }

    /**
     * Whether this thread is inside an application's call into a connection.
     *
     * @return true between an {@link #enter} on this thread and its {@link #leave}
     */
    public static boolean inside() {
        return DEPTH.get()[0] != 0;
    }
}
