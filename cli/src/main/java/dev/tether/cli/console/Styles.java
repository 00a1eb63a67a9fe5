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

    /**
     * No colours: every method returns its text unchanged.
     *
     * @return styles that add nothing
     */
    public static Styles plain() {
        return new Styles(false);
    }

    /**
     * ANSI colours, whatever the output is.
     *
     * @return styles that wrap text in SGR codes
     */
    public static Styles coloured() {
        return new Styles(true);
    }

    /**
     * Colours when {@code terminal}, unless {@code noColor} or the {@code NO_COLOR} convention says otherwise.
     *
     * @param terminal whether the output is a terminal
     * @param noColor  whether the user turned colours off ({@code --no-color})
     * @return {@link #coloured()} or {@link #plain()}
     */
    public static Styles forOutput(boolean terminal, boolean noColor) {
        String noColorEnv = System.getenv("NO_COLOR");
        return terminal && !noColor && (noColorEnv == null || noColorEnv.isEmpty()) ? coloured() : plain();
    }

    /**
     * A received message: cyan.
     *
     * @param text the line
     * @return {@code text}, coloured when colours are on
     */
    public String received(String text) {
        return paint("36", text); // cyan
    }

    /**
     * A sent message, echoed: green.
     *
     * @param text the line
     * @return {@code text}, coloured when colours are on
     */
    public String sent(String text) {
        return paint("32", text); // green
    }

    /**
     * A control frame (ping, pong): magenta.
     *
     * @param text the line
     * @return {@code text}, coloured when colours are on
     */
    public String control(String text) {
        return paint("35", text); // magenta: pings, pongs
    }

    /**
     * A line about the connection: dim.
     *
     * @param text the line
     * @return {@code text}, dimmed when colours are on
     */
    public String status(String text) {
        return paint("2", text); // dim
    }

    /**
     * A warning: yellow.
     *
     * @param text the line
     * @return {@code text}, coloured when colours are on
     */
    public String warning(String text) {
        return paint("33", text); // yellow
    }

    /**
     * An error: red.
     *
     * @param text the line
     * @return {@code text}, coloured when colours are on
     */
    public String error(String text) {
        return paint("31", text); // red
    }

    private String paint(String sgr, String text) {
        return colours ? "\u001b[" + sgr + "m" + text + RESET : text;
    }
}
