package dev.tether.cli.console;

import dev.tether.cli.format.Printable;

/**
 * Where the tool reads lines and prints what happens: a terminal with line editing and history, or
 * plain standard input and output for pipes and scripts. Printing is safe from any thread; on a
 * terminal it goes above the line being typed.
 */
public interface Console extends AutoCloseable {

    /**
     * Whether a person is typing at a terminal (line editing, colours, slash commands).
     *
     * @return true for a terminal, false for pipes and scripts
     */
    boolean interactive();

    /**
     * The colours lines are printed in.
     *
     * @return the styles, plain when colours are off
     */
    Styles styles();

    /**
     * Whether the user asked for text from the network as it came ({@code --raw}).
     *
     * @return true when control characters are printed unescaped
     */
    boolean raw();

    /**
     * Text from the network as it may be printed: control characters escaped (a pipe may end at a
     * terminal too), unless {@link #raw()}.
     *
     * @param text text received from the network
     * @return {@code text} fit to print
     */
    default String shown(String text) {
        return raw() ? text : Printable.escape(text);
    }

    /**
     * The next line typed or piped in, without its line end; null at the end of input (Ctrl-D, or the
     * pipe closed).
     *
     * @return the line, or null at the end of input
     * @throws Interrupted when Ctrl-C is pressed while a line is being typed
     */
    String readLine() throws Interrupted;

    /**
     * A message line (received, or sent and echoed): standard output.
     *
     * @param line the line to print, without its line end
     */
    void message(String line);

    /**
     * A line about the connection (connected, closed, reconnecting, warnings): standard error.
     *
     * @param line the line to print, without its line end
     */
    void status(String line);

    /**
     * Runs {@code handler} on every Ctrl-C (SIGINT), whether or not a line is being read, and when
     * standard output is gone (a pipe's reader quit): either way the user is done.
     *
     * @param handler what to run, on the thread that learns of the interrupt
     */
    void onInterrupt(Runnable handler);

    /** Gives the terminal back as it was. Printing after it does nothing, and {@link #readLine} returns null. */
    @Override
    void close();

    /** Ctrl-C while a line was being typed. */
    final class Interrupted extends Exception {
        private static final long serialVersionUID = 1L;

        /** An exception without a stack trace: it reports a key press, not a fault. */
        public Interrupted() {
            super("interrupted", null, false, false);
        }
    }
}
