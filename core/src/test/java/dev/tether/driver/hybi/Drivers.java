package dev.tether.driver.hybi;

import dev.tether.driver.DriverOptions;
import dev.tether.driver.FeedEveryWay;
import dev.tether.driver.Transcript;
import dev.tether.extension.Extension;
import dev.tether.extension.ExtensionContext;
import dev.tether.extension.ExtensionParams;
import dev.tether.extension.ExtensionSession;
import dev.tether.extension.Extensions;
import dev.tether.message.Message;
import dev.tether.protocol.Role;

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

    /** A server on which the client's offer of {@code extension} was accepted. */
    static HybiDriver server(Transcript t, Extension extension) {
        Extensions extensions = negotiated(extension);
        HybiDriver driver = new HybiDriver(Role.SERVER, 13, DriverOptions.DEFAULT_MAX_LENGTH, extensions, null,
                () -> FIXED_MASK, t, t);
        driver.start();
        t.lines.clear();
        return driver;
    }

    /** The server's extensions with the client's offer of {@code extension} accepted. */
    static Extensions negotiated(Extension extension) {
        return negotiated(List.of(extension));
    }

    /** The server's extensions with the client's offers of all of {@code extensions} accepted, in that order. */
    static Extensions negotiated(List<Extension> extensions) {
        Extensions negotiated = new Extensions(extensions, new ExtensionContext(Role.SERVER, DriverOptions.DEFAULT_MAX_LENGTH));
        StringBuilder offer = new StringBuilder();
        for (Extension extension : extensions) {
            offer.append(offer.length() == 0 ? "" : ", ").append(extension.name());
        }
        negotiated.generateResponse(offer.length() == 0 ? null : offer.toString());
        return negotiated;
    }

    /** A started driver with {@code options} and the client's offers of {@code extensions} accepted. */
    static HybiDriver started(DriverOptions options, Transcript t, Extension... extensions) {
        Extensions negotiated = options.role() == Role.SERVER ? negotiated(List.of(extensions))
                : new Extensions(List.of(), new ExtensionContext(Role.CLIENT, options.maxMessageLength()));
        HybiDriver driver = new HybiDriver(options, 13, negotiated, null, () -> FIXED_MASK, t, t, null);
        driver.start();
        t.lines.clear();
        return driver;
    }

    /** Options for a server that delivers fragments of at most {@code fragmentSize} bytes. */
    static DriverOptions fragments(int maxLength, int fragmentSize) {
        return DriverOptions.builder(Role.SERVER).maxLength(maxLength).deliverFragments(true).fragmentSize(fragmentSize).build();
    }

    /** A server-only extension {@code x-pass} that claims RSV1 and leaves messages as they are. */
    static Extension passThrough() {
        return new Extension() {
            @Override
            public String name() {
                return "x-pass";
            }

            @Override
            public int rsvBits() {
                return Message.RSV1;
            }

            @Override
            public ExtensionSession createServerSession(List<ExtensionParams> offers, ExtensionContext context) {
                return new ExtensionSession() {
                    @Override
                    public ExtensionParams generateResponse() {
                        return ExtensionParams.of("x-pass");
                    }

                    @Override
                    public Message processIncoming(Message message) {
                        return message;
                    }

                    @Override
                    public Message processOutgoing(Message message) {
                        return message;
                    }
                };
            }

            @Override
            public ExtensionSession createClientSession(ExtensionContext context) {
                return null;
            }
        };
    }

    /** {@link FeedEveryWay#feed} for hybi drivers. */
    static List<String> feedEveryWay(Function<Transcript, HybiDriver> factory, byte[] input) {
        return FeedEveryWay.feed(factory, input);
    }
}
