package dev.tether.handshake;

import dev.tether.extension.Extension;
import dev.tether.extension.ExtensionContext;
import dev.tether.extension.ExtensionParams;
import dev.tether.extension.ExtensionSession;
import dev.tether.message.Message;

import java.util.List;

/** An extension that changes nothing and counts its sessions and their closes; it offers and accepts {@code x-count}. */
final class CountingExtension implements Extension {
    int sessions;
    int closes;

    @Override
    public String name() {
        return "x-count";
    }

    @Override
    public int rsvBits() {
        return 0;
    }

    @Override
    public ExtensionSession createServerSession(List<ExtensionParams> offers, ExtensionContext context) {
        sessions++;
        return new Session();
    }

    @Override
    public ExtensionSession createClientSession(ExtensionContext context) {
        sessions++;
        return new Session();
    }

    /** Either side's session: offers, accepts and answers {@code x-count}, changes nothing, counts its close. */
    private final class Session implements ExtensionSession {
        @Override
        public ExtensionParams generateOffer() {
            return ExtensionParams.of("x-count");
        }

        @Override
        public boolean activate(ExtensionParams response) {
            return true;
        }

        @Override
        public ExtensionParams generateResponse() {
            return ExtensionParams.of("x-count");
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
    }
}
