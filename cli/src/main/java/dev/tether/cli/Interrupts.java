package dev.tether.cli;

import dev.tether.cli.console.Console;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ctrl-C as a person expects it: the first asks for a clean end (a close handshake, a server stop),
 * the next ends the process at once with status 130. A clean end asked for another way
 * ({@code /quit}, Ctrl-D) counts as the first.
 */
public final class Interrupts {
    /** The status after a second Ctrl-C (128 + SIGINT, as shells report it). */
    public static final int STATUS = 130;

    private final AtomicInteger count = new AtomicInteger();

    private Interrupts() {
    }

    /**
     * Sends Ctrl-C on {@code console} to {@code firstTime} once, then ends the process.
     *
     * @param console   the console whose interrupts are handled
     * @param firstTime what the first Ctrl-C runs: the start of a clean end
     * @return the handler, to tell of a clean end asked for another way
     */
    public static Interrupts install(Console console, Runnable firstTime) {
        Interrupts interrupts = new Interrupts();
        console.onInterrupt(() -> {
            if (interrupts.count.getAndIncrement() == 0) {
                firstTime.run();
            } else {
                console.status(console.styles().warning("interrupted"));
                console.close(); // the terminal as it was, then out
                Runtime.getRuntime().halt(STATUS);
            }
        });
        return interrupts;
    }

    /** The clean end has been asked for another way: the next Ctrl-C quits at once. */
    public void endingCleanly() {
        count.compareAndSet(0, 1);
    }
}
