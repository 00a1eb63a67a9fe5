package dev.tether.cli;

import dev.tether.cli.format.Printable;

import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * The libraries' log records as the tool's own lines: {@code tether: warning: …}, one line each,
 * escaped (a message may quote the network), a cause in a few words rather than a stack trace.
 */
final class LogLines extends Formatter {
    @Override
    public String format(LogRecord record) {
        String line = "tether: " + record.getLevel().getName().toLowerCase(Locale.ROOT) + ": "
                + Printable.escape(formatMessage(record)).replace("\n", " ");
        if (record.getThrown() != null) {
            line += " (" + Failures.oneLine(record.getThrown()) + ")";
        }
        return line + System.lineSeparator();
    }
}
