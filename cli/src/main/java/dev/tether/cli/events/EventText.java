package dev.tether.cli.events;

import dev.tether.sse.ReceivedEvent;

import java.time.Duration;
import java.util.Locale;
import java.util.function.UnaryOperator;

/** How an event reads: {@code tick #5: tick 5} for people, one JSON object per line for scripts. */
final class EventText {
    private EventText() {
    }

    /** The event's type, and its id after {@code #} when it has one, made safe by {@code shown}. */
    static String head(ReceivedEvent event, UnaryOperator<String> shown) {
        return shown.apply(event.type()) + (event.id().isEmpty() ? "" : " #" + shown.apply(event.id()));
    }

    /** The data made safe by {@code shown}, lines after the first indented. */
    static String data(ReceivedEvent event, UnaryOperator<String> shown) {
        return shown.apply(event.data()).replace("\n", "\n  ");
    }

    /** {@code {"id":"5","event":"tick","data":"tick 5"}}: every character a JSON string needs escaped is. */
    static String json(ReceivedEvent event) {
        return "{\"id\":" + quoted(event.id()) + ",\"event\":" + quoted(event.type()) + ",\"data\":" + quoted(event.data()) + "}";
    }

    static String seconds(Duration delay) {
        return String.format(Locale.ROOT, "%.1f s", delay.toMillis() / 1000.0);
    }

    private static String quoted(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == '\u2028' || c == '\u2029') { // C0, DEL, C1, JS line ends
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
