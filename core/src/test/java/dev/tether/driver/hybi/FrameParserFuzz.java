package dev.tether.driver.hybi;

import dev.tether.driver.DriverOptions;
import dev.tether.driver.Transcript;
import dev.tether.extension.ExtensionContext;
import dev.tether.extension.Extensions;
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
        long messageBytes = 0; // fragments of the message being delivered, summed
        for (String line : wholeRun.lines) {
            if (line.startsWith("error:") && !CODES.contains(Integer.parseInt(line.substring(6)))) {
                throw new AssertionError("unexpected close code: " + line);
            }
            messageBytes += deliveredBytes(line);
            if (messageBytes > maxLength) {
                throw new AssertionError("a message over the limit of " + maxLength + " was delivered: " + messageBytes);
            }
            boolean moreToCome = line.contains("-fragment:") && line.endsWith(":more");
            if (!moreToCome) {
                messageBytes = 0;
            }
        }
        if (whole.reserved() != 0 || split.reserved() != 0) {
            throw new AssertionError("memory not given back: " + whole + ", " + split);
        }
    }

    /** The payload bytes an event line reports (text as UTF-8, binary as hex), 0 for other events. */
    private static long deliveredBytes(String line) {
        if (line.startsWith("text:")) {
            return line.substring(5).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        if (line.startsWith("binary:")) {
            return (line.length() - 7 + 1) / 3;
        }
        if (line.startsWith("text-fragment:") || line.startsWith("binary-fragment:")) {
            String payload = line.substring(line.indexOf(':') + 1, line.lastIndexOf(':'));
            return line.startsWith("text") ? payload.getBytes(java.nio.charset.StandardCharsets.UTF_8).length : (payload.length() + 1) / 3;
        }
        return 0;
    }

    private static Transcript run(Role role, boolean deflate, boolean fragments, int maxLength, MemoryBudget budget,
                                  byte[] wire, Random splits, boolean split) {
        // pieces above the 4 KiB growth step, so that a piece's buffer grows under fuzzing too
        DriverOptions options = DriverOptions.builder(role).maxLength(maxLength).deliverFragments(fragments)
                .fragmentSize(5000).messageMemory(budget).build();
        Transcript t = new Transcript();
        Extensions extensions = new Extensions(deflate ? List.of(PerMessageDeflate.builder().threshold(0).build()) : List.of(),
                new ExtensionContext(role, maxLength, budget));
        if (role == Role.SERVER) {
            extensions.generateResponse(deflate ? "permessage-deflate" : null);
        } else {
            extensions.generateOffer();
            extensions.activate(null);
        }
        HybiDriver driver = new HybiDriver(options, 13, extensions, null, () -> Drivers.FIXED_MASK, t, t, null);
        driver.start();
        t.lines.clear();
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
