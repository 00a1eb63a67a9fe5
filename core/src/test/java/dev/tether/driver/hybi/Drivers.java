package dev.tether.driver.hybi;

import dev.tether.driver.DriverOptions;
import dev.tether.driver.FeedEveryWay;
import dev.tether.driver.Transcript;
import dev.tether.driver.Role;
import dev.tether.extension.ExtensionContext;
import dev.tether.extension.Extensions;

import java.util.List;
import java.util.function.Function;

/** Starts drivers on a {@link Transcript} and feeds them input in the ways a network may split it. */
final class Drivers {
    static final int FIXED_MASK = 0x37FA213D;

    private Drivers() {
    }

    static HybiDriver server(Transcript t) {
        return server(t, DriverOptions.DEFAULT_MAX_LENGTH);
    }

    static HybiDriver server(Transcript t, int maxLength) {
        return started(Role.SERVER, maxLength, t);
    }

    static HybiDriver client(Transcript t) {
        return started(Role.CLIENT, DriverOptions.DEFAULT_MAX_LENGTH, t);
    }

    static HybiDriver started(Role role, int maxLength, Transcript t) {
        HybiDriver driver = new HybiDriver(role, 13, maxLength,
                new Extensions(List.of(), new ExtensionContext(role, maxLength)), null, () -> FIXED_MASK, t, t);
        driver.start();
        t.lines.clear();
        return driver;
    }

    /** {@link FeedEveryWay#feed} for hybi drivers. */
    static List<String> feedEveryWay(Function<Transcript, HybiDriver> factory, byte[] input) {
        return FeedEveryWay.feed(factory, input);
    }
}
