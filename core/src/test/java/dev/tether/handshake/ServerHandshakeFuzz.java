package dev.tether.handshake;

import dev.tether.driver.DriverOptions;
import dev.tether.driver.Transcript;
import dev.tether.driver.handshake.AcceptKey;
import dev.tether.driver.handshake.HandshakeRequest;
import dev.tether.driver.handshake.HttpHeaders;
import dev.tether.extension.deflate.PerMessageDeflate;
import dev.tether.protocol.Role;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Fuzz target: the server's answer to any opening request. The input, read as ISO-8859-1 lines, is
 * the method, the target, then {@code name: value} headers, as a container would hand them over.
 * For any input the answer is made without throwing, its status is one the handshake documents, an
 * accepted one carries the right accept key, and its driver is made or the handshake abandoned
 * without error.
 */
public final class ServerHandshakeFuzz {
    private static final Set<Integer> STATUSES = Set.of(101, 400, 405, 426);
    private static final DriverOptions OPTIONS = DriverOptions.builder(Role.SERVER)
            .protocols("chat", "superchat")
            .extension(PerMessageDeflate.defaults())
            .build();

    private ServerHandshakeFuzz() {
    }

    public static void fuzzerTestOneInput(byte[] input) {
        String[] lines = new String(input, StandardCharsets.ISO_8859_1).split("\n", -1);
        String method = lines.length > 0 ? lines[0] : "";
        String target = lines.length > 1 ? lines[1] : "/";
        HttpHeaders headers = new HttpHeaders();
        for (int i = 2; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                try {
                    headers.add(lines[i].substring(0, colon), lines[i].substring(colon + 1).trim());
                } catch (IllegalArgumentException notAField) {
                    // a name that is not a token: no container hands such a field over
                }
            }
        }
        ServerHandshake answer = ServerHandshake.answer(HandshakeRequest.of(method, target, headers, false), OPTIONS);
        if (!STATUSES.contains(answer.status())) {
            throw new AssertionError("status " + answer.status());
        }
        if (!answer.accepted()) {
            if (answer.failure() == null || answer.failure().isEmpty()) {
                throw new AssertionError("refused without a reason");
            }
            return;
        }
        String key = headers.first("Sec-WebSocket-Key");
        if (key != null && !AcceptKey.accept(key.trim()).equals(answer.headers().first("Sec-WebSocket-Accept"))) {
            throw new AssertionError("wrong accept key for " + key);
        }
        if ((input.length & 1) == 0) {
            Transcript t = new Transcript();
            answer.newDriver(t, t).endOfInput();
        } else {
            answer.abandon();
        }
    }
}
