package dev.tether.driver.hybi;

import dev.tether.driver.DriverOptions;
import dev.tether.driver.Transcript;
import dev.tether.extension.Extension;
import dev.tether.extension.deflate.PerMessageDeflate;
import dev.tether.message.MemoryBudget;
import dev.tether.protocol.Role;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Fuzz target: anything a peer may send to the frame parser, message assembly, the fragment path
 * and permessage-deflate, in either role. The first input byte chooses the role, compression,
 * fragment delivery and a small or large limit; the second seeds where the rest is split into reads.
 * For any input: nothing but the documented close codes; the same events whether the input comes
 * whole or split; no message over the limit; and every byte taken from the memory budget given
 * back once the connection ends.
 */
public final class FrameParserFuzz {
    private static final Set<Integer> CODES = Set.of(1002, 1007, 1009, 1013);

    private FrameParserFuzz() {
    }

    public static void fuzzerTestOneInput(byte[] input) {
        if (input.length < 2) {
            return;
        }
        int config = input[0];
        Role role = (config & 1) == 0 ? Role.SERVER : Role.CLIENT;
        boolean deflate = (config & 2) != 0 && role == Role.SERVER;
        boolean fragments = (config & 4) != 0;
        int maxLength = (config & 8) != 0 ? 1000 : 1 << 20;
        byte[] wire = java.util.Arrays.copyOfRange(input, 2, input.length);

        MemoryBudget whole = MemoryBudget.of(8 << 20);
        Transcript wholeRun = run(role, deflate, fragments, maxLength, whole, wire, new Random(0), false);
        MemoryBudget split = MemoryBudget.of(8 << 20);
        Transcript splitRun = run(role, deflate, fragments, maxLength, split, wire, new Random(input[1]), true);

        if (!wholeRun.lines.equals(splitRun.lines)) {
            throw new AssertionError("split reads changed the events:\n" + wholeRun.lines + "\n" + splitRun.lines);
        }
        for (String line : wholeRun.lines) {
            if (line.startsWith("error:") && !CODES.contains(Integer.parseInt(line.substring(6)))) {
                throw new AssertionError("unexpected close code: " + line);
            }
            if ((line.startsWith("text:") && line.length() - 5 > maxLength)) {
                throw new AssertionError("a message over the limit was delivered");
            }
        }
        if (whole.reserved() != 0 || split.reserved() != 0) {
            throw new AssertionError("memory not given back: " + whole + ", " + split);
        }
    }

    private static Transcript run(Role role, boolean deflate, boolean fragments, int maxLength, MemoryBudget budget,
                                  byte[] wire, Random splits, boolean split) {
        DriverOptions options = DriverOptions.builder(role).maxLength(maxLength).deliverFragments(fragments)
                .fragmentSize(512).messageMemory(budget).build();
        Transcript t = new Transcript();
        List<Extension> extensions = deflate ? List.of(PerMessageDeflate.builder().threshold(0).build()) : List.of();
        HybiDriver driver = Drivers.started(options, t, extensions.toArray(Extension[]::new));
        byte[] copy = wire.clone(); // parsers unmask in place
        int at = 0;
        while (at < copy.length) {
            int n = split ? 1 + splits.nextInt(Math.min(copy.length - at, 64)) : copy.length - at;
            driver.parse(ByteBuffer.wrap(copy, at, n).slice());
            at += n;
        }
        driver.endOfInput();
        return t;
    }
}
