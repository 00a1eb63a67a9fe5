package dev.tether.cli.console;

/**
 * Colours for a terminal, or none: received lines, sent lines, status lines, warnings and errors.
 * Plain ANSI SGR codes, used only when standard output is a terminal and {@code NO_COLOR} is unset.
 */
public final class Styles {
    private static final String RESET = "\u001b[0m";

    private final boolean colours;

    private Styles(boolean colours) {
        this.colours = colours;
    }

    public static Styles plain() {
        return new Styles(false);
    }

    public static Styles coloured() {
        return new Styles(true);
    }

    /** Colours when {@code terminal}, unless {@code noColor} or the {@code NO_COLOR} convention says otherwise. */
    public static Styles forOutput(boolean terminal, boolean noColor) {
        String noColorEnv = System.getenv("NO_COLOR");
        return terminal && !noColor && (noColorEnv == null || noColorEnv.isEmpty()) ? coloured() : plain();
    }

    public String received(String text) {
        return paint("36", text); // cyan
    }

    public String sent(String text) {
        return paint("32", text); // green
    }

    public String control(String text) {
        return paint("35", text); // magenta: pings, pongs
    }

    public String status(String text) {
        return paint("2", text); // dim
    }

    public String warning(String text) {
        return paint("33", text); // yellow
    }

    public String error(String text) {
        return paint("31", text); // red
    }

    private String paint(String sgr, String text) {
        return colours ? "\u001b[" + sgr + "m" + text + RESET : text;
    }
}
