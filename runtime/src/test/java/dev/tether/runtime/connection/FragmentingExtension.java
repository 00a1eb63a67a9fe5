package dev.tether.runtime.connection;

import dev.tether.extension.Extension;
import dev.tether.extension.ExtensionContext;
import dev.tether.extension.ExtensionParams;
import dev.tether.extension.ExtensionSession;
import dev.tether.message.Fragment;
import dev.tether.message.Message;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;

/**
 * A server-side test extension that works on fragments sent and changes no byte: it only decides
 * how many frames a fragment becomes, as compression does. It sets RSV1 on what it sends (and the
 * runtime never reads its own output), and passes received messages on unchanged.
 */
final class FragmentingExtension implements Extension {

    /** How a session passes fragments on. */
    enum Mode {
        /** Nothing until the last fragment in, then all of it as one (a copy). */
        HOLD_TO_THE_END,
        /** Pieces of {@link #SPLIT} bytes, views of the caller's payload (no copy). */
        SPLIT,
        /** As {@link #SPLIT}, but throws after passing on the first piece (a broken extension). */
        SPLIT_THEN_FAIL
    }

    static final String NAME = "x-fragmenting";
    /** The size of a piece in {@link Mode#SPLIT}: over the outbound queue's small frame, so each is its own write. */
    static final int SPLIT = 3 * 1024;

    final Mode mode;

    FragmentingExtension(Mode mode) {
        this.mode = mode;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int rsvBits() {
        return Message.RSV1;
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
            return ExtensionParams.of(NAME);
        }

        @Override
        public boolean processesFragments() {
            return true;
        }

        @Override
        public Message processIncoming(Message message) {
            return message.with(message.rsv() & ~Message.RSV1, message.payload());
        }

        @Override
        public Message processOutgoing(Message message) {
            return message.with(message.rsv() | Message.RSV1, message.payload());
        }

        @Override
        public void processOutgoingFragment(Fragment fragment, Consumer<Fragment> next) {
            int rsv = fragment.rsv() | Message.RSV1;
            ByteBuffer payload = fragment.payload();
            switch (mode) {
                case HOLD_TO_THE_END -> {
                    ByteBuffer bytes = payload.duplicate();
                    while (bytes.hasRemaining()) {
                        held.write(bytes.get());
                    }
                    if (fragment.last()) {
                        next.accept(new Fragment(fragment.type(), rsv, ByteBuffer.wrap(held.toByteArray()), true, true));
                        held.reset();
                    }
                }
                case SPLIT, SPLIT_THEN_FAIL -> {
                    int n = payload.remaining();
                    int pieces = Math.max(1, (n + SPLIT - 1) / SPLIT);
                    for (int i = 0; i < pieces; i++) {
                        int from = i * SPLIT;
                        ByteBuffer piece = payload.slice(payload.position() + from, Math.min(SPLIT, n - from));
                        next.accept(new Fragment(fragment.type(), rsv, piece, fragment.first() && i == 0,
                                fragment.last() && i == pieces - 1));
                        if (mode == Mode.SPLIT_THEN_FAIL) {
                            throw new IllegalStateException("the extension broke down");
                        }
                    }
                }
            }
        }
    }
}
