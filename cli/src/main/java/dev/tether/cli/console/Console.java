package dev.tether.cli.console;

import dev.tether.cli.format.Printable;

/**
 * Where the tool reads lines and prints what happens: a terminal with line editing and history, or
 * plain standard input and output for pipes and scripts. Printing is safe from any thread; on a
 * terminal it goes above the line being typed.
 */
public interface Console extends AutoCloseable {

    /** Whether a person is typing at a terminal (line editing, colours, slash commands). */
    boolean interactive();

    Styles styles();

    /** Whether the user asked for text from the network as it came ({@code --raw}). */
    boolean raw();

    /**
     * Text from the network as it may be printed: control characters escaped (a pipe may end at a
     * terminal too), unless {@link #raw()}.
     */
    default String shown(String text) {
        return raw() ? text : Printable.escape(text);
    }

    /**
     * The next line typed or piped in, without its line end; null at the end of input (Ctrl-D, or the
     * pipe closed).
     *
     * @throws Interrupted when Ctrl-C is pressed while a line is being typed
     */
    String readLine() throws Interrupted;

    /** A message line (received, or sent and echoed): standard output. */
    void message(String line);

    /** A line about the connection (connected, closed, reconnecting, warnings): standard error. */
    void status(String line);

    /**
     * Runs {@code handler} on every Ctrl-C (SIGINT), whether or not a line is being read, and when
     * standard output is gone (a pipe's reader quit): either way the user is done.
     */
    void onInterrupt(Runnable handler);

    /** Gives the terminal back as it was. Printing after it does nothing, and {@link #readLine} returns null. */
    @Override
    void close();

    /** Ctrl-C while a line was being typed. */
    final class Interrupted extends Exception {
        private static final long serialVersionUID = 1L;

        public Interrupted() {
            super("interrupted", null, false, false);
        }
    }
}
