package dev.tether.cli.listen;

import dev.tether.cli.format.BinaryFormat;
import dev.tether.cli.options.ByteSize;
import dev.tether.cli.options.OutputFlags;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code tether listen PORT}: a WebSocket server that prints what clients send and sends what is typed. */
@Command(name = "listen", aliases = "l", sortOptions = false, mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Serves WebSocket on a port: prints what clients send, sends what you type or pipe in.", "",
                "Every path of PORT speaks WebSocket, on 127.0.0.1 unless --host says otherwise, through Tether's "
                        + "servlet adapter on an embedded Jetty. What each client sends is printed (< #n: …); each line "
                        + "typed goes to every connected client; piped lines wait for a client and go out one after another. "
                        + "/help lists the slash commands. Ctrl-C (or SIGTERM) closes the clients with 1001 and stops.", "",
                "Exit status: 0 when stopped with Ctrl-C or /quit (143 after SIGTERM), 1 when the port cannot be served, "
                        + "2 for a usage error.", ""},
        footer = {"", "Examples:",
                "  tether listen 8080",
                "  tether listen 0                            (any free port; the URL is printed)",
                "  tether listen 9000 --host 0.0.0.0 -s chat  (every interface; offers subprotocol chat)"})
public final class ListenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PORT", description = "The TCP port; 0 for any free one (the URL printed says which). Example: 8080")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "The address to listen on. Default: ${DEFAULT-VALUE} (this machine only). Example: --host 0.0.0.0 (every IPv4 interface)")
    String host;

    @Option(names = {"-s", "--subprotocol"}, paramLabel = "NAME",
            description = "A subprotocol to accept when a client offers it (the first offered one that is listed wins); repeatable. Example: -s chat")
    List<String> subprotocols = new ArrayList<>();

    @Option(names = "--max-size", paramLabel = "BYTES", converter = ByteSize.class,
            description = "The largest message accepted from a client (more closes it with 1009); k, m, g suffixes. Example: --max-size 1m. Default: 64m")
    Integer maxSize;

    @Option(names = {"-P", "--show-ping-pong"}, description = "Prints the pings and pongs clients send. Example: -P shows < #1: ping \"hi\"")
    boolean showPingPong;

    @Option(names = {"-b", "--binary"}, paramLabel = "hex|base64", defaultValue = "hex",
            description = "How binary messages are printed: ${COMPLETION-CANDIDATES}. Example: -b base64. Default: ${DEFAULT-VALUE}")
    BinaryFormat binaryFormat;

    @Option(names = "--compress",
            description = "Accepts permessage-deflate (RFC 7692) from clients that offer it. Example: --compress")
    boolean compress;

    @Mixin
    OutputFlags output;

    @Override
    public Integer call() {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "PORT must be from 0 to 65535, not " + port);
        }
        return new ListenSession(new ListenSession.Settings(host, port, subprotocols, maxSize, showPingPong,
                binaryFormat, output.noColor, output.raw, compress)).run();
    }
}
