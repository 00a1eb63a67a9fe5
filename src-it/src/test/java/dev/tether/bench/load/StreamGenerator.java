package dev.tether.bench.load;

import dev.tether.it.support.ServerMemory;
import dev.tether.it.support.StreamingEchoClient;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * The streaming benchmark's client, in its own JVM (pinned to its own core by the driver): one
 * connection streams one binary message through the server's echo with {@link StreamingEchoClient}
 * (fragments made on the fly and masked, sent by one thread while the other reads the echo and checks
 * every byte), while the server's resident memory is sampled. Commands on stdin, one line on stdout
 * each:
 * <ul>
 *   <li>{@code stream <port> <bytes> <fragmentBytes> <seed> <timeoutSeconds> <serverPid>} →
 *       {@code RESULT bytes=… seconds=… genCpu=… serverCpu=… rssBefore=… rssPeak=… framesReceived=… largestFrame=…}</li>
 * </ul>
 * A failed echo (wrong bytes, a close, the deadline) is {@code ERROR <what happened>}.
 */
public final class StreamGenerator {
    private StreamGenerator() {
    }

    public static void main(String[] args) throws Exception {
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = commands.readLine()) != null; ) {
            try {
                String[] a = line.trim().split("\\s+");
                if (!a[0].equals("stream") || a.length != 7) {
                    throw new IllegalArgumentException("unknown command: " + line);
                }
                System.out.println(stream(Integer.parseInt(a[1]), Long.parseLong(a[2]), Integer.parseInt(a[3]),
                        Long.parseLong(a[4]), Double.parseDouble(a[5]), Long.parseLong(a[6])));
            } catch (Throwable e) {
                // the driver fails at once on ERROR instead of waiting out its timeout; one line
                System.out.println("ERROR " + String.valueOf(e.getMessage()).replace('\n', ' '));
            }
            System.out.flush();
        }
    }

    private static String stream(int port, long bytes, int fragment, long seed, double timeoutSeconds, long serverPid)
            throws Exception {
        long rssBefore = ServerMemory.rssBytes(serverPid);
        long genCpu = LoadGenerator.ownCpuNanos();
        long serverCpu = LoadGenerator.cpuNanosOf(serverPid);
        long start = System.nanoTime();
        StreamingEchoClient.Result result;
        long rssPeak;
        try (ServerMemory.RssSampler rss = new ServerMemory.RssSampler(serverPid, 20)) {
            result = StreamingEchoClient.echo(port, "/echo", bytes, fragment, seed,
                    Duration.ofMillis((long) (timeoutSeconds * 1000)));
            rssPeak = rss.stop();
        }
        long wall = System.nanoTime() - start;
        return String.format(Locale.ROOT, "RESULT bytes=%d seconds=%.4f genCpu=%.3f serverCpu=%.3f rssBefore=%d rssPeak=%d"
                        + " framesReceived=%d largestFrame=%d", result.bytes(), result.nanos() / 1e9,
                (LoadGenerator.ownCpuNanos() - genCpu) / (double) wall,
                (LoadGenerator.cpuNanosOf(serverPid) - serverCpu) / (double) wall, rssBefore, rssPeak,
                result.framesReceived(), result.largestFrame());
    }
}
