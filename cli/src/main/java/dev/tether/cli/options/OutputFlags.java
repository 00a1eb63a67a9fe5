package dev.tether.cli.options;

import picocli.CommandLine.Option;

/** How every command prints: colours or not, and text from the network escaped or as it came. */
public final class OutputFlags {
    /** Set by {@code --no-color}: no colours, even on a terminal. */
    @Option(names = "--no-color",
            description = "No colours, even on a terminal (NO_COLOR in the environment does the same). Example: --no-color")
    public boolean noColor;

    /** Set by {@code --raw}: text from the network printed as it came, control characters not escaped. */
    @Option(names = "--raw",
            description = "Prints what the network sent exactly as it came, control characters and all (by default they "
                    + "are shown escaped: a pipe may end at a terminal too). For output read by a program. Example: --raw > log.txt")
    public boolean raw;
}
