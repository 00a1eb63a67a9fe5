package dev.tether.cli.connect;

import dev.tether.cli.Targets;
import dev.tether.cli.format.BinaryFormat;
import dev.tether.cli.options.ClientFlags;
import dev.tether.cli.options.OutputFlags;
import dev.tether.client.ClientOptions;
import dev.tether.extension.deflate.PerMessageDeflate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code tether connect URL}: a WebSocket client at a terminal, or in a pipe. */
@Command(name = "connect", aliases = "c", sortOptions = false, mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Connects to a WebSocket server and sends what you type or pipe in.", "",
                "At a terminal, each line typed is sent as a text message and every message received is printed "
                        + "(< …); /help lists the slash commands (/ping, /pong, /close, /quit). In a pipe or script, each "
                        + "line of standard input is sent, and at its end the connection closes (after --wait).", "",
                "Exit status: 0 after a normal close, 1 when connecting fails or the connection ends abnormally, "
                        + "2 for a usage error, 130 after a second Ctrl-C.", ""},
        footer = {"", "Examples:",
                "  tether connect ws://localhost:8080/echo",
                "  tether connect wss://example.com/chat -s chat.v2 -H 'X-Token: t0ken'",
                "  echo '{\"op\":\"status\"}' | tether connect ws://localhost:8080/api",
                "  tether connect ws://localhost:8080/echo -x hello -x world -w 1"})
public final class ConnectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL",
            description = "ws:// or wss:// (http://, https:// and host:port work too). Example: ws://localhost:8080/echo")
    String url;

    @Option(names = {"-s", "--subprotocol"}, paramLabel = "NAME",
            description = "Offers a subprotocol; repeatable, in order of preference. Example: -s chat.v2 -s chat")
    List<String> subprotocols = new ArrayList<>();

    @Option(names = {"-p", "--protocol-version"}, paramLabel = "8|13", defaultValue = "13",
            description = "The Sec-WebSocket-Version to speak: 13 (RFC 6455) or 8 (draft hybi-08). Example: -p 8. Default: ${DEFAULT-VALUE}")
    int protocolVersion;

    @Option(names = {"-x", "--execute"}, paramLabel = "MESSAGE",
            description = "Sends this text message once connected, instead of reading standard input; repeatable. "
                    + "Then waits (--wait) and closes. Example: -x '{\"op\":\"ping\"}'")
    List<String> execute = new ArrayList<>();

    @Option(names = {"-w", "--wait"}, paramLabel = "SECONDS", defaultValue = "1",
            description = "After the last message is sent (end of input, or --execute), waits this long for answers "
                    + "before closing (messages that arrive once the close has begun are not printed, as in browsers); "
                    + "0 closes at once, -1 waits until the server closes. Example: -w 5. Default: ${DEFAULT-VALUE}")
    double waitSeconds;

    @Option(names = {"-P", "--show-ping-pong"},
            description = "Prints the pings and pongs received (the answers to your own /ping are always printed). Example: -P shows < ping \"hi\"")
    boolean showPingPong;

    @Option(names = {"-b", "--binary"}, paramLabel = "hex|base64", defaultValue = "hex",
            description = "How binary messages are printed: ${COMPLETION-CANDIDATES}. Example: -b base64. Default: ${DEFAULT-VALUE}")
    BinaryFormat binaryFormat;

    @Option(names = "--compress",
            description = "Offers permessage-deflate (RFC 7692): messages are compressed both ways if the server agrees. "
                    + "Example: --compress")
    boolean compress;

    @Mixin
    ClientFlags client;

    @Mixin
    OutputFlags output;

    @Override
    public Integer call() {
        URI target;
        ClientOptions options;
        try {
            client.check();
            if (protocolVersion != 13 && protocolVersion != 8) {
                throw new IllegalArgumentException("--protocol-version takes 8 or 13, not " + protocolVersion);
            }
            if (waitSeconds < 0 && waitSeconds != -1) {
                throw new IllegalArgumentException("--wait takes seconds (0 or more), or -1 to wait for the server to close");
            }
            target = Targets.webSocket(url);
            options = options(target);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Duration wait = waitSeconds < 0 ? null : Duration.ofMillis(Math.round(waitSeconds * 1000));
        return new ConnectSession(ClientFlags.withoutUserInfo(target), options, new ConnectSession.Settings(
                execute, wait, showPingPong, binaryFormat, output.noColor, output.raw, client.insecure())).run();
    }

    private ClientOptions options(URI target) {
        ClientOptions.Builder options = ClientOptions.builder()
                .protocolVersion(protocolVersion)
                .connectTimeout(client.connectTimeout())
                .handshakeTimeout(client.connectTimeout()) // then as long again for TLS, the proxy and the upgrade
                .tls(client.tls())
                .proxy(client.proxy());
        if (!subprotocols.isEmpty()) options.protocols(subprotocols.toArray(String[]::new));
        if (client.origin() != null) options.origin(client.origin());
        if (client.maxSize() != null) options.maxLength(client.maxSize());
        if (compress) options.extension(PerMessageDeflate.defaults());
        for (Map.Entry<String, String> header : client.headers(target).entrySet()) {
            options.header(header.getKey(), header.getValue()); // the handshake's own headers are refused here
        }
        return options.build();
    }
}
