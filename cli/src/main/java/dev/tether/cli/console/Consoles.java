package dev.tether.cli.console;

/** Picks the console: a terminal when a person is typing at one, plain streams otherwise. */
public final class Consoles {
    private Consoles() {
    }

    /**
     * A {@link TerminalConsole} when standard input and output are both a terminal, else a
     * {@link PipeConsole} without colours.
     *
     * @param noColor whether colours are off even on a terminal ({@code --no-color})
     * @param raw     whether text from the network is printed as it came (control characters and all)
     * @return the console, to close when the command ends
     */
    public static Console open(boolean noColor, boolean raw) {
        if (isTerminal()) {
            return TerminalConsole.open(noColor, raw);
        }
        return new PipeConsole(Styles.plain(), raw);
    }

    /**
     * Whether standard input and output are both a terminal. {@code System.console()} says so up to
     * Java 21; from 22 it may return a console for pipes too, and {@code Console.isTerminal()} (22+,
     * called reflectively: we build for 17) tells.
     *
     * @return true when standard input and output are both a terminal
     */
    public static boolean isTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // before 22, a console means a terminal
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
