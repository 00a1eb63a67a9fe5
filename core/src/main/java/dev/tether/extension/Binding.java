package dev.tether.extension;

import dev.tether.message.Fragment;
import dev.tether.message.Message;

/**
 * An extension and the session it created for one connection. Compared by identity: a session is
 * created, kept and closed as this one pairing.
 */
final class Binding {
    private final Extension extension;
    private final ExtensionSession session;

    Binding(Extension extension, ExtensionSession session) {
        this.extension = extension;
        this.session = session;
    }

    Extension extension() {
        return extension;
    }

    ExtensionSession session() {
        return session;
    }

    // A session may not leave out its result: a null is that extension's bug, named as such.

    Message requireMessage(Message result) {
        if (result == null) {
            throw new IllegalStateException("extension \"" + extension.name() + "\" returned no message");
        }
        return result;
    }

    Fragment requireFragment(Fragment result) {
        if (result == null) {
            throw new IllegalStateException("extension \"" + extension.name() + "\" passed on a null fragment");
        }
        return result;
    }
}
