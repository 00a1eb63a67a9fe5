package dev.tether.client.peers;

import dev.tether.servlet.testing.Container;

/** Every server the client's behaviour suite runs against. */
public enum PeerKind {
    TETHER_JETTY {
        @Override
        public Peer start(String... protocols) throws Exception {
            return TetherPeer.start(Container.JETTY, protocols);
        }
    },
    TETHER_TOMCAT {
        @Override
        public Peer start(String... protocols) throws Exception {
            return TetherPeer.start(Container.TOMCAT, protocols);
        }
    },
    NODE_WS {
        @Override
        public Peer start(String... protocols) throws Exception {
            return NodePeer.start("ws", "--protocols", String.join(",", protocols));
        }
    },
    NODE_FAYE {
        @Override
        public Peer start(String... protocols) throws Exception {
            return NodePeer.start("faye", "--protocols", String.join(",", protocols));
        }
    };

    /** Whether the server speaks protocol version 8 as well as 13 (faye's driver answers 8 with 400). */
    public boolean speaksVersion8() {
        return this != NODE_FAYE;
    }

    /** Whether the server can send a message in fragments (faye has no API for it). */
    public boolean sendsFragments() {
        return this != NODE_FAYE;
    }

    /** Starts the server, supporting {@code protocols} (it picks the first offered one it supports). */
    public abstract Peer start(String... protocols) throws Exception;
}
