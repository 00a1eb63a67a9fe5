package dev.tether.driver.hixie;

import dev.tether.driver.Driver;
import dev.tether.driver.DriverOptions;
import dev.tether.driver.Transcript;
import dev.tether.message.MemoryBudget;
import dev.tether.protocol.Role;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;

/**
 * Fuzz target: hixie-75 and hixie-76 framing, on the server, after the handshake. The first byte
 * chooses the draft and a small or large limit, the second seeds the read cuts. For any input: only
 * 1002, 1007 and 1009 (hixie-76 also closes cleanly on 0xFF 0x00); the same events whole and cut;
 * no text over the limit; and the text buffer's memory given back when the connection ends.
 */
public final class HixieFramingFuzz {
    private static final Set<Integer> CODES = Set.of(1002, 1007, 1009);
    private static final String KEY1 = "4 @1  46546xW%0l 1 5";
    private static final String KEY2 = "12998 5 Y3 1  .P00";
    private static final byte[] KEY3 = "^n:ds[4U".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private HixieFramingFuzz() {
    }

    public static void fuzzerTestOneInput(byte[] input) {
        if (input.length < 2) {
            return;
        }
        boolean draft76 = (input[0] & 1) != 0;
        int maxLength = (input[0] & 2) != 0 ? 100 : 1 << 20;
        byte[] wire = Arrays.copyOfRange(input, 2, input.length);
        MemoryBudget wholeBudget = MemoryBudget.of(4 << 20);
        MemoryBudget cutBudget = MemoryBudget.of(4 << 20);
        Transcript whole = run(draft76, maxLength, wholeBudget, wire, null);
        Transcript cut = run(draft76, maxLength, cutBudget, wire, new Random(input[1]));
        if (!whole.lines.equals(cut.lines)) {
            throw new AssertionError("cut reads changed the events:\n" + whole.lines + "\n" + cut.lines);
        }
        for (String line : whole.lines) {
            if (line.startsWith("error:") && !CODES.contains(Integer.parseInt(line.substring(6)))) {
                throw new AssertionError("unexpected close code: " + line);
            }
            if (line.startsWith("text:") && line.length() - 5 > maxLength) {
                throw new AssertionError("a message over the limit was delivered");
            }
        }
        if (wholeBudget.reserved() != 0 || cutBudget.reserved() != 0) {
            throw new AssertionError("memory not given back: " + wholeBudget + ", " + cutBudget);
        }
    }

    private static Transcript run(boolean draft76, int maxLength, MemoryBudget budget, byte[] wire, Random cuts) {
        DriverOptions options = DriverOptions.builder(Role.SERVER).maxLength(maxLength).messageMemory(budget).build();
        Transcript t = new Transcript();
        Driver driver = draft76 ? new Hixie76Driver(KEY1, KEY2, options, null, t, t) : new Hixie75Driver(options, null, t, t);
        driver.start();
        if (draft76) {
            driver.parse(ByteBuffer.wrap(KEY3.clone()));
        }
        t.lines.clear();
        int at = 0;
        while (at < wire.length) {
            int n = cuts == null ? wire.length - at : 1 + cuts.nextInt(wire.length - at);
            driver.parse(ByteBuffer.wrap(wire, at, n).slice());
            at += n;
        }
        driver.endOfInput();
        return t;
    }
}
