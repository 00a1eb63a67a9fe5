package dev.tether.handshake;

import dev.tether.extension.Extension;
import dev.tether.extension.ExtensionContext;
import dev.tether.extension.ExtensionParams;
import dev.tether.extension.ExtensionSession;
import dev.tether.message.Message;

import java.util.List;

/**
 * A client extension with a bug a hostile server can reach: it offers {@code x-fragile} and reads
 * the answer's {@code size} without checking it is there, so {@code x-fragile; size} (a flag, no
 * value) makes its {@code activate} throw a NullPointerException. Counts its sessions' closes.
 */
final class FragileExtension implements Extension {
    int closes;

    @Override
    public String name() {
        return "x-fragile";
    }

    @Override
    public int rsvBits() {
        return 0;
    }

    @Override
    public ExtensionSession createServerSession(List<ExtensionParams> offers, ExtensionContext context) {
        return null;
    }

    @Override
    public ExtensionSession createClientSession(ExtensionContext context) {
        return new ExtensionSession() {
            @Override
            public ExtensionParams generateOffer() {
                return ExtensionParams.of("x-fragile");
            }

            @Override
            public boolean activate(ExtensionParams response) {
                return response.value("size").length() < 4; // the bug: a flag has no value
            }

            @Override
            public Message processIncoming(Message message) {
                return message;
            }

            @Override
            public Message processOutgoing(Message message) {
                return message;
            }

            @Override
            public void close() {
                closes++;
            }
        };
    }
}
