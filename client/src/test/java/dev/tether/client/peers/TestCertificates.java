package dev.tether.client.peers;

import dev.tether.client.tls.TestPki;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The peers' view of the test certificates, which {@link TestPki} makes when the tests start: the
 * test CA, and signed by it {@code server} (SAN localhost and 127.0.0.1), {@code client} (CN
 * {@value #CLIENT_CN}, for client authentication) and {@code wrong-host} (only
 * {@code wrong.example}, to prove hostname verification). Files for the node peers' {@code --tls},
 * and ready {@link SSLContext}s for the JDK side.
 */
public final class TestCertificates {
    /** The CN of the client certificate, what the peers' {@code !client-cert} answers when it is presented. */
    public static final String CLIENT_CN = "Tether Test Client";

    private TestCertificates() {
    }

    private static TestPki.Identity identity(String name) {
        TestPki pki = TestPki.get();
        return switch (name) {
            case "server" -> pki.localhost();
            case "client" -> pki.client();
            case "wrong-host" -> pki.wrongName();
            default -> throw new IllegalArgumentException("no test identity " + name);
        };
    }

    /** The PEM certificate (chain) of {@code ca}, {@code server}, {@code client} or {@code wrong-host}. */
    public static Path certificate(String name) {
        return name.equals("ca") ? TestPki.get().ca().certificatePem() : identity(name).certificateChainPem();
    }

    /** The PKCS#8 PEM private key of {@code server}, {@code client} or {@code wrong-host}. */
    public static Path key(String name) {
        return identity(name).privateKeyPem();
    }

    /** The node peers' arguments to serve wss:// with {@code name}'s certificate (e.g. {@code server}). */
    public static List<String> peerTls(String name) {
        return List.of("--tls", certificate(name).toString(), key(name).toString());
    }

    /** The node peers' arguments to ask for a client certificate signed by the test CA (and to require one). */
    public static List<String> peerClientAuth(boolean required) {
        return required
                ? List.of("--ca", certificate("ca").toString(), "--require-client-cert")
                : List.of("--ca", certificate("ca").toString());
    }

    /** A server context presenting {@code name}'s certificate and trusting the test CA for client certificates. */
    public static SSLContext serverContext(String name) {
        return identity(name).serverContext(TestPki.get().ca());
    }

    /** A client context trusting only the test CA, presenting no certificate. */
    public static SSLContext clientContext() {
        return context(null);
    }

    /** A client context trusting only the test CA and presenting the client certificate. */
    public static SSLContext clientContextWithCertificate() {
        return context(identity("client"));
    }

    /** The test CA's certificate. */
    public static X509Certificate ca() {
        return TestPki.get().ca().certificate();
    }

    private static SSLContext context(TestPki.Identity presenting) {
        try {
            KeyManagerFactory keys = null;
            if (presenting != null) {
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                KeyStore store = KeyStore.getInstance("PKCS12");
                try (var in = java.nio.file.Files.newInputStream(presenting.keyStore())) {
                    store.load(in, TestPki.PASSWORD.toCharArray());
                }
                keys.init(store, TestPki.PASSWORD.toCharArray());
            }
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            anchors.setCertificateEntry("ca", ca());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("could not make a test TLS context", e);
        }
    }
}
