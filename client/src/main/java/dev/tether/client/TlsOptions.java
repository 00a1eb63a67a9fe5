package dev.tether.client;

import dev.tether.client.net.HostLiterals;
import dev.tether.client.tls.ClientIdentity;
import dev.tether.client.tls.PemFiles;
import dev.tether.client.tls.SslContexts;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * How the client speaks TLS: to a {@code wss://} server, or to an {@code https://} proxy. Immutable
 * and thread-safe; one instance serves any number of connections.
 *
 * <p>Whatever else is chosen, every connection checks the server's host name against its
 * certificate (endpoint identification {@code "HTTPS"}, as browsers do) and sends the host name in
 * SNI when it is a name rather than an IP literal. The only way to turn the checks off is the
 * clearly named {@link Builder#insecureTrustAnyCertificateForTesting()}.
 *
 * <table class="striped">
 *   <caption>Options and defaults</caption>
 *   <thead><tr><th>option</th><th>default</th><th>meaning</th></tr></thead>
 *   <tbody>
 *     <tr><td>{@link Builder#sslContext(SSLContext) sslContext}</td><td>the JDK's default
 *         ({@link SSLContext#getDefault()}: its trust store and the {@code javax.net.ssl.*}
 *         properties)</td><td>the context every engine comes from; cannot be combined with the two
 *         PEM options, which build a context of their own</td></tr>
 *     <tr><td>{@link Builder#sslParameters(SSLParameters) sslParameters}</td><td>the context's
 *         defaults</td><td>protocols, cipher suites, ALPN protocols, algorithm constraints … applied
 *         to each engine; their endpoint identification algorithm is replaced by {@code "HTTPS"},
 *         and their server names, when they give any, replace the SNI derived from the host</td></tr>
 *     <tr><td>{@link Builder#trustPem(Path) trustPem}</td><td>none: the JDK's trust store</td>
 *         <td>trust exactly the certificates of this PEM bundle (a private CA, or a self-signed
 *         server certificate), not the JDK's, like node's {@code ca}</td></tr>
 *     <tr><td>{@link Builder#clientCertificatePem(Path, Path) clientCertificatePem}</td><td>none:
 *         no client certificate</td><td>the certificate chain and unencrypted private key presented
 *         to servers that ask for one (mutual TLS), like node's {@code cert} and {@code key}</td></tr>
 *     <tr><td>{@link Builder#insecureTrustAnyCertificateForTesting()
 *         insecureTrustAnyCertificateForTesting}</td><td>off</td><td>accept any certificate for any
 *         host name; for tests against throwaway certificates only. Logged as a warning when the
 *         options are built</td></tr>
 *   </tbody>
 * </table>
 *
 * <pre>{@code
 * TlsOptions tls = TlsOptions.builder()
 *         .trustPem(Path.of("ca.pem"))
 *         .clientCertificatePem(Path.of("client.pem"), Path.of("client-key.pem"))
 *         .build();
 * }</pre>
 */
public final class TlsOptions {
    private static final System.Logger LOG = System.getLogger(TlsOptions.class.getName());
    private static final String HTTPS = "HTTPS";

    private final SSLContext sslContext;
    /** The caller's parameters as an engine of the context holds them, or null for the context's defaults. */
    private final SSLParameters parameters;
    /** Whether the caller's parameters name servers for SNI themselves. */
    private final boolean explicitServerNames;
    private final boolean insecure;
    private final String description;

    private TlsOptions(SSLContext sslContext, SSLParameters parameters, boolean explicitServerNames, boolean insecure,
                       String description) {
        this.sslContext = sslContext;
        this.parameters = parameters;
        this.explicitServerNames = explicitServerNames;
        this.insecure = insecure;
        this.description = description;
    }

    /**
     * The JDK's default {@link SSLContext} (its trust store, and any {@code javax.net.ssl.*} system
     * properties), with host name verification on.
     *
     * @return options using the JDK's default context and trust store
     * @throws IllegalStateException if the JDK cannot provide its default context (a broken trust
     *                               store configuration, say); the cause says why
     */
    public static TlsOptions defaults() {
        return new TlsOptions(defaultContext(), null, false, false, "default SSLContext");
    }

    /**
     * A builder starting from the {@linkplain #defaults() defaults}.
     *
     * @return a new builder with nothing set
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The context every engine comes from.
     *
     * @return the caller's context, one built from the PEM files or for insecure testing, or the
     *         JDK's default
     */
    public SSLContext sslContext() {
        return sslContext;
    }

    /**
     * A client-mode engine for a connection to {@code peerHost:peerPort}, with the configured
     * parameters, endpoint identification {@code "HTTPS"} (none when insecure) and SNI naming
     * {@code peerHost} unless it is an IP literal.
     *
     * @param peerHost the host as in the URI: a name, an IPv4 literal, or an IPv6 literal with or
     *                 without brackets; the certificate must be valid for it
     * @param peerPort the port, which the JDK uses with the host to find sessions to resume
     * @return a new engine in client mode, its handshake not begun
     */
    public SSLEngine newEngine(String peerHost, int peerPort) {
        String host = HostLiterals.unbracketed(Objects.requireNonNull(peerHost, "peerHost"));
        SSLEngine engine = sslContext.createSSLEngine(host, peerPort);
        engine.setUseClientMode(true);
        if (parameters != null) engine.setSSLParameters(parameters);
        SSLParameters own = engine.getSSLParameters();
        if (!insecure) own.setEndpointIdentificationAlgorithm(HTTPS);
        if (!explicitServerNames) own.setServerNames(serverNames(host));
        engine.setSSLParameters(own);
        return engine;
    }

    /**
     * The parameters every engine starts from, before the host's own settings (endpoint
     * identification, SNI): those given to {@link Builder#sslParameters(SSLParameters)}, as an engine
     * of the context holds them, or the context's defaults. A fresh copy each call. For handing these
     * options to another TLS client, such as {@link java.net.http.HttpClient}, which sets endpoint
     * identification {@code "HTTPS"} and SNI itself.
     *
     * @return a copy of the parameters, without endpoint identification or host-derived SNI
     */
    public SSLParameters sslParameters() {
        SSLEngine engine = sslContext.createSSLEngine();
        engine.setUseClientMode(true);
        if (parameters != null) engine.setSSLParameters(parameters);
        return engine.getSSLParameters();
    }

    /**
     * Whether these options accept any certificate for any host ({@link Builder#insecureTrustAnyCertificateForTesting()}).
     *
     * @return true when certificates and host names are not checked
     */
    public boolean isInsecure() {
        return insecure;
    }

    /** What these options trust and present, naming files but no secrets. */
    @Override
    public String toString() {
        return "TlsOptions[" + description + "]";
    }

    /**
     * SNI names the host, unless it is an IP literal (RFC 6066 §3 forbids those) or a name SNI
     * cannot carry (an underscore, say), which the JDK would also leave out.
     */
    private static List<SNIServerName> serverNames(String host) {
        if (HostLiterals.isIpLiteral(host)) return List.of();
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        try {
            return List.of(new SNIHostName(name));
        } catch (IllegalArgumentException e) {
            LOG.log(Level.DEBUG, () -> "no SNI for " + host + ": " + e.getMessage());
            return List.of();
        }
    }

    private static SSLContext defaultContext() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK's default SSLContext is not available: " + e.getMessage(), e);
        }
    }

    /**
     * Builds {@link TlsOptions}. Files are read, and every conflict and problem reported, by
     * {@link #build()}. Not thread-safe.
     */
    public static final class Builder {
        private SSLContext sslContext;
        private SSLParameters sslParameters;
        private Path trustPem;
        private Path certificateChainPem;
        private Path privateKeyPem;
        private boolean insecure;

        private Builder() {
        }

        /**
         * The context engines come from, instead of the JDK's default. Its trust and key managers
         * are used as they are; cannot be combined with {@link #trustPem} or
         * {@link #clientCertificatePem}.
         *
         * @param sslContext the context to create engines from
         * @return this builder
         */
        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        /**
         * Parameters applied to every engine: protocols, cipher suites, ALPN protocols, algorithm
         * constraints and whatever else the running JDK reads from them. They are read by
         * {@link #build()}, and the options keep a copy, so later changes do not affect built
         * options. Their endpoint
         * identification algorithm is ignored (it is always {@code "HTTPS"}); server names, if
         * they give any, are sent in SNI instead of the host's.
         *
         * @param sslParameters the parameters to apply to every engine
         * @return this builder
         */
        public Builder sslParameters(SSLParameters sslParameters) {
            this.sslParameters = Objects.requireNonNull(sslParameters, "sslParameters");
            return this;
        }

        /**
         * Trust exactly the certificates in this PEM file (one CA, a bundle, or a server's own
         * self-signed certificate) instead of the JDK's trust store.
         *
         * @param caBundle the PEM file of the certificates to trust; read by {@link #build()}
         * @return this builder
         */
        public Builder trustPem(Path caBundle) {
            this.trustPem = Objects.requireNonNull(caBundle, "caBundle");
            return this;
        }

        /**
         * Present this certificate chain (PEM, the client's certificate first) to servers that ask
         * for a client certificate, signing with this private key: an unencrypted PEM key in
         * PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1
         * ({@code EC PRIVATE KEY}). An encrypted key is refused with the openssl command that
         * decrypts it. Both paths may name the same file.
         *
         * @param certificateChain the PEM file of the certificate chain, the client's certificate first
         * @param privateKey       the PEM file of the unencrypted private key of the client's certificate
         * @return this builder
         */
        public Builder clientCertificatePem(Path certificateChain, Path privateKey) {
            this.certificateChainPem = Objects.requireNonNull(certificateChain, "certificateChain");
            this.privateKeyPem = Objects.requireNonNull(privateKey, "privateKey");
            return this;
        }

        /**
         * Accept any server certificate for any host name: expired, self-signed, issued to someone
         * else. Connections are encrypted but not authenticated, so anyone on the path can read and
         * change them. For tests against throwaway certificates; never in production. Building
         * options with this switch logs a warning.
         *
         * @return this builder
         */
        public Builder insecureTrustAnyCertificateForTesting() {
            this.insecure = true;
            return this;
        }

        /**
         * The options; reads the PEM files.
         *
         * @return immutable options for any number of connections
         * @throws IllegalArgumentException when options conflict (naming them), or a file is
         *                                  missing, holds no certificate, holds a bad or encrypted
         *                                  key, or the key does not belong to the certificate
         *                                  (naming the file and the problem)
         */
        public TlsOptions build() {
            if (sslContext != null && (trustPem != null || certificateChainPem != null)) {
                throw new IllegalArgumentException("sslContext(…) cannot be combined with "
                        + (trustPem != null ? "trustPem(" + trustPem + ")" : "clientCertificatePem(" + certificateChainPem + ", …)")
                        + ": put the trusted certificates and the client key into that SSLContext, or leave it out");
            }
            if (insecure && sslContext != null) {
                throw new IllegalArgumentException("insecureTrustAnyCertificateForTesting() cannot be combined with sslContext(…),"
                        + " whose trust managers would decide instead: choose one");
            }
            if (insecure && trustPem != null) {
                throw new IllegalArgumentException("insecureTrustAnyCertificateForTesting() cannot be combined with trustPem("
                        + trustPem + "): trusting any certificate ignores the bundle; choose one");
            }
            List<X509Certificate> trusted = trustPem == null ? null : PemFiles.readCertificates(trustPem);
            ClientIdentity identity = certificateChainPem == null ? null : ClientIdentity.read(certificateChainPem, privateKeyPem);

            SSLContext context;
            if (sslContext != null) {
                context = sslContext;
            } else if (trusted == null && identity == null && !insecure) {
                context = defaultContext();
            } else {
                context = SslContexts.create(trusted, identity, insecure);
            }
            SSLParameters parameters = sslParameters == null ? null : asEngineHolds(context, sslParameters);
            boolean explicitServerNames = sslParameters != null && sslParameters.getServerNames() != null
                    && !sslParameters.getServerNames().isEmpty();
            if (insecure) {
                LOG.log(Level.WARNING, "TLS options built with insecureTrustAnyCertificateForTesting(): any certificate is"
                        + " accepted for any host name, so connections are not authenticated; for tests only, never in production");
            }
            return new TlsOptions(context, parameters, explicitServerNames, insecure, describe(trusted, identity));
        }

        private String describe(List<X509Certificate> trusted, ClientIdentity identity) {
            StringBuilder text = new StringBuilder();
            if (insecure) text.append("INSECURE: any certificate for any host");
            else if (sslContext != null) text.append("custom SSLContext ").append(sslContext.getProtocol());
            else if (trusted != null) text.append("trust ").append(trusted.size()).append(" certificate(s) of ").append(trustPem);
            else text.append("default SSLContext");
            if (identity != null) text.append(", client certificate ").append(certificateChainPem);
            if (sslParameters != null) text.append(", custom SSLParameters");
            return text.toString();
        }

        /**
         * The parameters as an engine of {@code context} holds them once set: a complete copy in
         * whatever fields this JDK has, validated now (an unknown cipher suite fails the build).
         * Endpoint identification is cleared: {@link TlsOptions#newEngine} sets its own.
         */
        private static SSLParameters asEngineHolds(SSLContext context, SSLParameters parameters) {
            SSLEngine engine = context.createSSLEngine();
            engine.setUseClientMode(true);
            try {
                engine.setSSLParameters(parameters);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("sslParameters: " + e.getMessage(), e);
            }
            SSLParameters held = engine.getSSLParameters();
            held.setEndpointIdentificationAlgorithm(null);
            return held;
        }
    }
}
