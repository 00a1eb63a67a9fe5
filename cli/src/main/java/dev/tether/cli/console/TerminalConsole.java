package dev.tether.cli.console;

import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp;
import org.jline.utils.Signals;

import java.io.IOError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A person at a terminal: JLine's line editing with history (kept for the session only), a prompt,
 * and every printed line put above the line being typed, so incoming messages never break it.
 */
public final class TerminalConsole implements Console {
    private static final String PROMPT = "> ";
    /** The status the JVM's own SIGINT handler ends the process with (128 + 2). */
    private static final int SIGINT_STATUS = 130;
    /** The open console a SIGINT goes to when it reaches our process-wide handler (see {@link #open}). */
    private static volatile TerminalConsole current;
    /** The JVM's SIGINT handler ours replaced, put back when the console closes (shutdown hooks and all). */
    private static Object jvmInterruptHandler;

    private final Terminal terminal;
    private final LineReader reader;
    private final Styles styles;
    private final List<Runnable> interruptHandlers = new CopyOnWriteArrayList<>();
    private final boolean raw;
    private volatile boolean closed;

    private TerminalConsole(Terminal terminal, Styles styles, boolean raw) {
        this.terminal = terminal;
        this.styles = styles;
        this.raw = raw;
        // Ctrl-C while no line is being read (e.g. while connecting) arrives as a signal. Set first:
        // until then the terminal has the operating system's default for it.
        terminal.handle(Terminal.Signal.INT, signal -> {
            if (!closed) {
                interrupted();
            }
        });
        this.reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("tether")
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true) // "!" is ordinary text in a message
                .option(LineReader.Option.INSERT_TAB, true)              // so is a tab: no completion here
                .build();
    }

    /**
     * The system terminal (standard input and output must both be one).
     *
     * @param noColor whether colours are off even on a terminal ({@code --no-color}); {@code NO_COLOR} turns them off too
     * @param raw     whether text from the network is printed as it came, control characters and all
     * @return the console, to close to give the terminal back
     * @throws UncheckedIOException if the terminal cannot be opened
     */
    public static TerminalConsole open(boolean noColor, boolean raw) {
        // One Ctrl-C must reach the interrupt handlers once: a second one quits at once. While a line
        // is read, JLine turns ISIG off and Ctrl-C arrives as a character (a UserInterruptException);
        // its "software signals", on by default, would also raise SIGINT from the input pump for that
        // same byte, which interrupts the reading thread. When the interrupt won the race, readLine
        // ended on it and the byte, still unread, ended the next readLine as a second Ctrl-C: status
        // 130 instead of the close. Without them, the kernel decides: a signal while no line is read
        // (ISIG on), the character while one is.
        System.setProperty(TerminalBuilder.PROP_SOFTWARE_SIGNALS, "false");
        // JLine swaps its SIGINT handler as every readLine starts and ends, unregistering one before it
        // registers the next; in between the handler JLine found is back in place. Were that the JVM's
        // own, a Ctrl-C landing there ended the process at once (its terminal closed by the shutdown,
        // no close handshake). It is this one instead, registered before JLine's: the same interrupt.
        Object jvmHandler = Signals.register("INT", TerminalConsole::interruptedBySignal);
        try {
            Terminal terminal = TerminalBuilder.builder().system(true).name("tether").build();
            TerminalConsole console = new TerminalConsole(terminal, Styles.forOutput(true, noColor), raw);
            jvmInterruptHandler = jvmHandler;
            current = console;
            return console;
        } catch (IOException e) {
            Signals.unregister("INT", jvmHandler);
            throw new UncheckedIOException("could not open the terminal", e);
        } catch (RuntimeException e) {
            Signals.unregister("INT", jvmHandler);
            throw e;
        }
    }

    /** A SIGINT that reached our process-wide handler rather than JLine's: as the JVM would, when no console is open. */
    private static void interruptedBySignal() {
        TerminalConsole console = current;
        if (console != null && !console.closed) {
            console.interrupted();
        } else {
            System.exit(SIGINT_STATUS);
        }
    }

    @Override
    public boolean interactive() {
        return true;
    }

    @Override
    public Styles styles() {
        return styles;
    }

    @Override
    public boolean raw() {
        return raw;
    }

    @Override
    public String readLine() throws Interrupted {
        if (closed) return null;
        try {
            return reader.readLine(PROMPT);
        } catch (UserInterruptException e) {
            if (closed) {
                return null; // the session ended under the prompt (closing the terminal wakes the reader): not a Ctrl-C
            }
            interrupted();
            throw new Interrupted();
        } catch (EndOfFileException e) {
            return null;
        } catch (RuntimeException | IOError e) {
            if (closed) return null; // the session ended under a half-typed line: nothing more to read
            throw e;
        }
    }

    private void interrupted() {
        for (Runnable handler : interruptHandlers) {
            handler.run();
        }
    }

    @Override
    public void message(String line) {
        print(line);
    }

    @Override
    public void status(String line) {
        print(line);
    }

    private synchronized void print(String line) {
        if (!closed) { // a listener's last words may race the end of the session
            try {
                reader.printAbove(line);
            } catch (IllegalStateException terminalClosed) {
                // JLine closed the terminal itself (the JVM is shutting down): nowhere left to print
            }
        }
    }

    @Override
    public void onInterrupt(Runnable handler) {
        interruptHandlers.add(handler);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            if (reader.isReading()) { // ended by the connection, not by Enter: take the unused prompt off the screen
                terminal.puts(InfoCmp.Capability.carriage_return);
                terminal.puts(InfoCmp.Capability.clr_eol);
            }
            terminal.writer().flush();
            terminal.close();
        } catch (IOException e) {
            // the terminal is gone already; nothing to give back
        } finally {
            if (current == this) { // Ctrl-C as the JVM has it (its shutdown hooks run), once the terminal is given back
                current = null;
                Signals.unregister("INT", jvmInterruptHandler);
            }
        }
    }
}
