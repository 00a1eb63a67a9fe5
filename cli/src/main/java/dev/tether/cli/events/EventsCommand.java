package dev.tether.cli.events;

import dev.tether.cli.Targets;
import dev.tether.cli.options.ClientFlags;
import dev.tether.cli.options.OutputFlags;
import dev.tether.client.EventSourceRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code tether events URL}: follows a server-sent event stream, as a browser's EventSource does. */
@Command(name = "events", aliases = "e", sortOptions = false, mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Follows a server-sent event stream (EventSource) and prints each event.", "",
                "Each event is printed with its type, id and data (< tick #5: tick 5). When the stream ends or "
                        + "fails, it reconnects after the server's retry: delay (doubling while reconnecting fails), "
                        + "sending Last-Event-ID so the server can replay what was missed; reconnections are shown. "
                        + "A refusal (a status other than 200, another content type) ends it.", "",
                "Exit status: 0 after Ctrl-C or --count events, 1 when the stream is refused or cannot be "
                        + "(re)opened, 2 for a usage error.", ""},
        footer = {"", "Examples:",
                "  tether events http://localhost:8080/events",
                "  tether events https://example.com/feed --last-event-id 1041 -H 'X-Token: t0ken'",
                "  tether events localhost:8080/events --json --count 10 | jq .data"})
public final class EventsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL",
            description = "http:// or https:// (host:port/path works too). Example: http://localhost:8080/events")
    String url;

    @Option(names = "--last-event-id", paramLabel = "ID",
            description = "Resumes after this event id (sent as Last-Event-ID on the first request). Example: --last-event-id 1041")
    String lastEventId;

    @Option(names = "--count", paramLabel = "N",
            description = "Exits (status 0) after N events. Example: --count 1 (wait for one event)")
    Long count;

    @Option(names = "--retry", paramLabel = "SECONDS", defaultValue = "3",
            description = "The reconnection delay in seconds until the server sends retry: (0.5 s at least, as browsers clamp it). "
                    + "Example: --retry 0.5. Default: ${DEFAULT-VALUE}")
    double retrySeconds;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "Reconnects when an open stream brings nothing (not even a keepalive) for this long: a connection "
                    + "that died without a word; 0 for never. Example: --idle-timeout 45 (3× a 15 s keepalive). Default: ${DEFAULT-VALUE}")
    double idleTimeoutSeconds;

    @Option(names = "--max-reconnects", paramLabel = "N",
            description = "Gives up (status 1) after N reconnections in a row that fail; 0 never reconnects. Example: --max-reconnects 3. Default: no limit.")
    Integer maxReconnects;

    @Option(names = "--json",
            description = "One JSON object per event on standard output ({\"id\":…,\"event\":…,\"data\":…}), for scripts. Example: --json | jq .data")
    boolean json;

    @Option(names = "--comments", description = "Prints comment lines too (the keepalives some servers send), as : text. Example: --comments")
    boolean comments;

    @Mixin
    OutputFlags output;

    @Mixin
    ClientFlags client;

    @Override
    public Integer call() {
        URI target;
        EventSourceRequest request;
        try {
            client.check();
            if (!(retrySeconds >= 0) || retrySeconds > 3600) {
                throw new IllegalArgumentException("--retry takes 0 to 3600 seconds");
            }
            if (!(idleTimeoutSeconds >= 0) || idleTimeoutSeconds > 86400) {
                throw new IllegalArgumentException("--idle-timeout takes 0 (never) to 86400 seconds");
            }
            if (count != null && count < 1) {
                throw new IllegalArgumentException("--count takes 1 or more");
            }
            target = Targets.http(url);
            request = request(target);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return new EventsSession(request, client, new EventsSession.Settings(count, json, comments, output.raw, output.noColor)).run();
    }

    private EventSourceRequest request(URI target) {
        EventSourceRequest.Builder request = EventSourceRequest.builder(ClientFlags.withoutUserInfo(target))
                .retry(Duration.ofMillis(Math.round(retrySeconds * 1000)))
                .idleTimeout(Duration.ofMillis(Math.round(idleTimeoutSeconds * 1000)));
        for (Map.Entry<String, String> header : client.headers(target).entrySet()) {
            request.header(header.getKey(), header.getValue()); // refuses the headers java.net.http writes itself
        }
        if (client.origin() != null) request.header("Origin", client.origin());
        if (lastEventId != null) request.lastEventId(lastEventId);
        if (maxReconnects != null) request.maxReconnects(maxReconnects);
        if (client.maxSize() != null) request.maxEventBytes(client.maxSize());
        return request.build();
    }
}
