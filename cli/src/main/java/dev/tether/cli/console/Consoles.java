package dev.tether.cli.console;

/** Picks the console: a terminal when a person is typing at one, plain streams otherwise. */
public final class Consoles {
    private Consoles() {
    }

    /**
     * A {@link TerminalConsole} when standard input and output are both a terminal, else a
     * {@link PipeConsole} (colours only if standard output alone is a terminal is not worth guessing:
     * none then).
     */
    public static Console open(boolean noColor) {
        if (System.console() != null) {
            return TerminalConsole.open(noColor);
        }
        return new PipeConsole(Styles.plain());
    }
}
