package dev.tether.cli.console;

import org.jline.utils.Signals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Standard input and output as they are: for pipes and scripts (or a terminal whose output is
 * redirected). Lines are read as UTF-8; each printed line is flushed at once, so a reader at the
 * other end of the pipe sees it when it happens.
 */
public final class PipeConsole implements Console {
    private final BufferedReader in;
    private final PrintStream out;
    private final PrintStream err;
    private final Styles styles;
    private final boolean raw;
    private final List<Runnable> interruptHandlers = new CopyOnWriteArrayList<>();
    private final AtomicBoolean outputGone = new AtomicBoolean();
    /** Guarded by this, as printing is: once close() has returned, no line can still go out. */
    private boolean closed;

    /**
     * A console over this process's standard input, output and error.
     *
     * @param styles the colours lines are printed in, usually {@link Styles#plain()}
     * @param raw    whether text from the network is printed as it came, control characters and all
     */
    public PipeConsole(Styles styles, boolean raw) {
        this(System.in, System.out, System.err, styles, raw);
    }

    /** A console over the streams given (tests hold them instead of the process's own). */
    PipeConsole(InputStream in, OutputStream out, OutputStream err, Styles styles, boolean raw) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.styles = styles;
        this.raw = raw;
        this.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        this.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    }

    @Override
    public boolean interactive() {
        return false;
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
    public String readLine() {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read standard input", e);
        }
    }

    @Override
    public void message(String line) {
        boolean gone;
        synchronized (this) {
            if (closed) return; // a listener's last words may race the end of the session
            out.println(line);
            gone = out.checkError(); // PrintStream keeps a broken pipe to itself
        }
        if (gone && outputGone.compareAndSet(false, true)) {
            interruptHandlers.forEach(Runnable::run); // `tether events … | head -2`: head has what it wanted
        }
    }

    @Override
    public void status(String line) {
        synchronized (this) {
            if (closed) return;
            err.println(line);
        }
    }

    @Override
    public void onInterrupt(Runnable handler) {
        interruptHandlers.add(handler);
        // A SIGINT handler instead of the JVM's default (exit at once), through JLine's wrapper of the JDK's signal API.
        Signals.register("INT", handler);
    }

    @Override
    public void close() {
        synchronized (this) { // waits for a line being printed, then stops the ones after it
            closed = true;
            out.flush();
            err.flush();
        }
    }
}
