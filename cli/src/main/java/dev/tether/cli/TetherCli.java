package dev.tether.cli;

import dev.tether.cli.connect.ConnectCommand;
import dev.tether.cli.events.EventsCommand;
import dev.tether.cli.listen.ListenCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code tether}: the command-line tool. {@code connect} (or wscat's {@code -c}), {@code listen}
 * (or {@code -l}) and {@code events}; {@code tether <command> --help} explains each option with an
 * example.
 */
@Command(name = "tether", mixinStandardHelpOptions = true, usageHelpAutoWidth = true, versionProvider = Version.class,
        subcommands = {ConnectCommand.class, ListenCommand.class, EventsCommand.class},
        description = {"WebSocket and EventSource from the command line, on the Tether library.", ""},
        footer = {"", "Shortcuts as in wscat: tether -c URL (connect), tether -l PORT (listen).",
                "Run 'tether <command> --help' for a command's options, with examples."})
public final class TetherCli implements Callable<Integer> {
    /** The status of a command line that cannot be run (picocli's too). */
    public static final int USAGE = 2;

    private TetherCli() {
    }

    /**
     * Runs the command line and exits with its status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        quietLogging();
        quickTerminal();
        System.exit(run(args));
    }

    /**
     * Runs one command line and returns its exit status.
     *
     * @param args the command line, wscat's {@code -c} and {@code -l} included
     * @return 0 on success, {@link #USAGE} for a command line that cannot be run, else the
     *         command's own failure status
     */
    public static int run(String... args) {
        CommandLine line = new CommandLine(new TetherCli())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler((error, parsed) -> {
                    // The mistake and where to look, not the whole usage text.
                    CommandLine command = error.getCommandLine();
                    command.getErr().println("tether: " + error.getMessage());
                    command.getErr().println("Run '" + command.getCommandSpec().qualifiedName() + " --help' for the options, with examples.");
                    return USAGE;
                })
                .setExecutionExceptionHandler((error, commandLine, parsed) -> {
                    commandLine.getErr().println("tether: " + Failures.oneLine(error));
                    return 1;
                });
        return line.execute(expandShortcuts(args));
    }

    /** wscat's {@code -c URL} and {@code -l PORT} as the commands they stand for. */
    static String[] expandShortcuts(String[] args) {
        if (args.length == 0) return args;
        String command = switch (args[0]) {
            case "-c", "--connect" -> "connect";
            case "-l", "--listen" -> "listen";
            default -> null;
        };
        if (command == null) return args;
        String[] expanded = Arrays.copyOf(args, args.length);
        expanded[0] = command;
        return expanded;
    }

    /** Kept, so that the level set on it outlives a garbage collection (the log manager holds loggers weakly). */
    private static final Logger INSECURE_TLS_LOG = Logger.getLogger("dev.tether.client.TlsOptions");

    /**
     * The libraries' log lines on one line each, warnings and up, and none of Jetty's start-up
     * chatter (its level is in jetty-logging.properties). --no-check warns in the tool's own words.
     */
    private static void quietLogging() {
        Logger root = Logger.getLogger("");
        root.setLevel(Level.WARNING);
        for (Handler handler : root.getHandlers()) {
            handler.setFormatter(new LogLines());
        }
        INSECURE_TLS_LOG.setLevel(Level.OFF);
    }

    /**
     * JLine finds out whether the terminal joins grapheme clusters by writing a test character and
     * waiting for the terminal to report the cursor; a terminal that never reports (a bare
     * pseudo-terminal, some multiplexers) made every start wait for the timeout. Messages are
     * printed, not edited in place, so the answer does not matter to us. A -D on the command line
     * still wins.
     */
    private static void quickTerminal() {
        if (System.getProperty("org.jline.terminal.graphemeCluster") == null) {
            System.setProperty("org.jline.terminal.graphemeCluster", "false");
        }
    }

    /** No command: the usage, and the status of a command line that cannot be run. */
    @Override
    public Integer call() {
        CommandLine.usage(this, System.err);
        return USAGE;
    }
}
