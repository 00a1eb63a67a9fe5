package dev.tether.driver.hybi;

import dev.tether.extension.Extension;
import dev.tether.extension.ExtensionContext;
import dev.tether.extension.ExtensionParams;
import dev.tether.extension.ExtensionSession;
import dev.tether.extension.FragmentSink;
import dev.tether.message.Fragment;
import dev.tether.message.Message;
import dev.tether.protocol.ProtocolException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A server-side test extension that works on fragments: it flips the case of ASCII letters (XOR
 * 0x20) in the messages that carry its RSV bit, and sets that bit on what it sends. How it passes
 * fragments on is chosen per test, and every call it gets is recorded in {@link #calls}.
 */
final class FragmentExtension implements Extension {

    /** How a session passes fragments on. */
    enum Mode {
        /** One fragment out for each in. */
        ONE_FOR_ONE,
        /** One fragment out for each byte in (as inflation may give several for one). */
        BYTE_BY_BYTE,
        /** Nothing until the last fragment in, then all of it as one. */
        HOLD_TO_THE_END,
        /** Each byte twice: the output outgrows the input, as inflation does. */
        DOUBLING
    }

    private final String name;
    private final int rsvBit;
    private final boolean fragments;
    Mode mode = Mode.ONE_FOR_ONE;
    /** {@code in-fragment:first:rsv=40:68 45}, {@code out-message:…} … in the order they came. */
    final List<String> calls = new ArrayList<>();

    /** @param fragments whether its sessions work on fragments; if not, on whole messages only */
    FragmentExtension(String name, int rsvBit, boolean fragments) {
        this.name = name;
        this.rsvBit = rsvBit;
        this.fragments = fragments;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int rsvBits() {
        return rsvBit;
    }

    @Override
    public ExtensionSession createServerSession(List<ExtensionParams> offers, ExtensionContext context) {
        return new Session();
    }

    @Override
    public ExtensionSession createClientSession(ExtensionContext context) {
        return null;
    }

    private final class Session implements ExtensionSession {
        private final ByteArrayOutputStream held = new ByteArrayOutputStream();

        @Override
        public ExtensionParams generateResponse() {
            return ExtensionParams.of(name);
        }

        @Override
        public boolean processesFragments() {
            return fragments;
        }

        @Override
        public Message processIncoming(Message message) {
            calls.add("in-message:rsv=" + Integer.toHexString(message.rsv()) + ":" + Hex.of(message.payload()));
            if ((message.rsv() & rsvBit) == 0) {
                return message;
            }
            return message.with(message.rsv() & ~rsvBit, flipped(message.payload()));
        }

        @Override
        public Message processOutgoing(Message message) {
            calls.add("out-message:" + Hex.of(message.payload()));
            return message.with(message.rsv() | rsvBit, flipped(message.payload()));
        }

        @Override
        public void processIncomingFragment(Fragment fragment, FragmentSink next) throws ProtocolException {
            calls.add("in-fragment:" + describe(fragment));
            if ((fragment.rsv() & rsvBit) == 0) {
                next.accept(fragment);
                return;
            }
            ByteBuffer flipped = flipped(fragment.payload());
            int rsv = fragment.rsv() & ~rsvBit;
            for (Fragment out : passOn(fragment, flipped, rsv)) {
                next.accept(out);
            }
        }

        @Override
        public void processOutgoingFragment(Fragment fragment, Consumer<Fragment> next) {
            calls.add("out-fragment:" + describe(fragment));
            passOn(fragment, flipped(fragment.payload()), fragment.rsv() | rsvBit).forEach(next);
        }

        /** What {@link #mode} makes of one fragment. */
        private List<Fragment> passOn(Fragment in, ByteBuffer payload, int rsv) {
            List<Fragment> out = new ArrayList<>();
            switch (mode) {
                case ONE_FOR_ONE -> out.add(new Fragment(in.type(), rsv, payload, in.first(), in.last()));
                case BYTE_BY_BYTE -> {
                    int n = payload.remaining();
                    for (int i = 0; i < n; i++) {
                        out.add(new Fragment(in.type(), rsv, payload.slice(i, 1), in.first() && i == 0, in.last() && i == n - 1));
                    }
                    if (n == 0) {
                        out.add(new Fragment(in.type(), rsv, payload, in.first(), in.last()));
                    }
                }
                case HOLD_TO_THE_END -> {
                    held.write(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining());
                    if (in.last()) {
                        out.add(new Fragment(in.type(), rsv, ByteBuffer.wrap(held.toByteArray()), true, true));
                        held.reset();
                    }
                }
                case DOUBLING -> {
                    ByteBuffer twice = ByteBuffer.allocate(2 * payload.remaining());
                    while (payload.hasRemaining()) {
                        byte b = payload.get();
                        twice.put(b).put(b);
                    }
                    out.add(new Fragment(in.type(), rsv, twice.flip(), in.first(), in.last()));
                }
            }
            return out;
        }
    }

    private static String describe(Fragment f) {
        return (f.first() ? "first:" : "") + (f.last() ? "last:" : "") + "rsv=" + Integer.toHexString(f.rsv())
                + ":" + Hex.of(f.payload());
    }

    /** A copy with ASCII letters' case flipped. */
    private static ByteBuffer flipped(ByteBuffer payload) {
        ByteBuffer out = ByteBuffer.allocate(payload.remaining());
        for (int i = payload.position(); i < payload.limit(); i++) {
            byte b = payload.get(i);
            out.put(Character.isLetter(b) ? (byte) (b ^ 0x20) : b);
        }
        return out.flip();
    }

    private static final class Hex {
        static String of(ByteBuffer b) {
            return dev.tether.driver.Hex.hex(b);
        }
    }
}
