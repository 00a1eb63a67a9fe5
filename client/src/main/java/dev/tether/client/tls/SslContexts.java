package dev.tether.client.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** Makes the client's {@link SSLContext} from what the TLS options say to trust and to present. */
public final class SslContexts {
    /** Protects the in-memory key store only; the key never leaves this process through it. */
    private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();

    private SslContexts() {
    }

    /**
     * A TLS context that trusts {@code trusted} (or the JDK's trust store when null, or anything at
     * all when {@code trustAny}) and presents {@code identity} when a server asks for a client
     * certificate (nothing when null).
     */
    public static SSLContext create(List<X509Certificate> trusted, ClientIdentity identity, boolean trustAny) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(identity == null ? null : keyManagers(identity), trustAny ? new TrustManager[] {new TrustAnyCertificate()}
                    : trusted == null ? null : trustManagers(trusted), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static TrustManager[] trustManagers(List<X509Certificate> trusted) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (int i = 0; i < trusted.size(); i++) store.setCertificateEntry("ca-" + i, trusted.get(i));
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }

    private static KeyManager[] keyManagers(ClientIdentity identity) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", identity.key(), IN_MEMORY_PASSWORD, identity.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, IN_MEMORY_PASSWORD);
        return factory.getKeyManagers();
    }
}
