package dev.tether.client.peers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The committed test certificates of {@code client/src/test/tls} (see {@code make-certificates.sh}
 * there): a CA, and signed by it {@code server} (CN and SAN 127.0.0.1, SAN localhost), {@code client}
 * (CN {@value #CLIENT_CN}, for client authentication) and {@code wrong-host} (only {@code
 * wrong.example}, to prove hostname verification). Files for the node peers' {@code --tls}, and
 * ready {@link SSLContext}s for the JDK side.
 */
public final class TestCertificates {
    /** The CN of {@code client.pem}, what the peers' {@code !client-cert} answers when it is presented. */
    public static final String CLIENT_CN = "tether-test-client";

    private static final char[] NO_PASSWORD = new char[0];

    private TestCertificates() {
    }

    /** The directory of the PEM files. */
    public static Path dir() {
        return TestFiles.moduleDir().resolve("src/test/tls");
    }

    /** {@code <name>.pem}: {@code ca}, {@code server}, {@code client} or {@code wrong-host}. */
    public static Path certificate(String name) {
        return existing(dir().resolve(name + ".pem"));
    }

    /** {@code <name>-key.pem}, the PKCS#8 private key of {@code server}, {@code client} or {@code wrong-host}. */
    public static Path key(String name) {
        return existing(dir().resolve(name + "-key.pem"));
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

    /**
     * A server context presenting {@code name}'s certificate (e.g. {@code server}) and trusting the
     * test CA (for client certificates), for TLS servers in tests.
     */
    public static SSLContext serverContext(String name) {
        return context(name);
    }

    /** A client context trusting only the test CA, presenting no certificate. */
    public static SSLContext clientContext() {
        return context(null);
    }

    /** A client context trusting only the test CA and presenting {@code client.pem}. */
    public static SSLContext clientContextWithCertificate() {
        return context("client");
    }

    /** The test CA's certificate. */
    public static X509Certificate ca() {
        return readCertificate(certificate("ca"));
    }

    /** A context presenting {@code keyName}'s certificate (none if null) and trusting only the test CA. */
    private static SSLContext context(String keyName) {
        try {
            KeyManagerFactory keys = null;
            if (keyName != null) {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry(keyName, readKey(key(keyName)), NO_PASSWORD,
                        new Certificate[] {readCertificate(certificate(keyName)), ca()});
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, NO_PASSWORD);
            }
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            anchors.setCertificateEntry("tether-test-ca", ca());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(anchors);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS context from " + dir() + ": " + e, e);
        }
    }

    private static X509Certificate readCertificate(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot read the certificate " + pem + ": " + e, e);
        }
    }

    private static PrivateKey readKey(Path pem) {
        try {
            String text = Files.readString(pem, StandardCharsets.US_ASCII);
            String base64 = text.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
                    .replaceAll("\\s", "");
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read the PKCS#8 EC key " + pem + ": " + e, e);
        }
    }

    private static Path existing(Path file) {
        if (!Files.isRegularFile(file)) throw new IllegalStateException("missing test certificate file " + file);
        return file;
    }
}
