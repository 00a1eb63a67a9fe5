package dev.tether.client.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway PKI made at test time with the JDK's own {@code keytool}, once per JVM (it takes a few
 * seconds), in a temporary directory removed when the JVM exits:
 * <ul>
 *   <li>{@link #ca()}: the CA the tests trust; {@link #untrustedCa()}: another, which they do not;</li>
 *   <li>{@link #localhost()}: a server certificate for {@code DNS:localhost} and {@code IP:127.0.0.1}
 *       (RSA) signed by the CA; {@link #untrustedLocalhost()}: the same names signed by the untrusted
 *       CA; {@link #wrongName()}: {@code DNS:wrong.example} signed by the CA;</li>
 *   <li>{@link #client()}: a client certificate (RSA, extended key usage clientAuth) signed by the CA.</li>
 * </ul>
 * Each identity is there as PEM (chain, leaf first, and PKCS#8 key; the RSA ones also as a PKCS#1
 * key), as a PKCS12 key store with {@link #PASSWORD}, and as a server {@link SSLContext}.
 */
public final class TestPki {
    /** The password of every key store and key here. */
    public static final String PASSWORD = "changeit";

    private static final long KEYTOOL_TIMEOUT_SECONDS = 120;
    private static final String SERVER_NAMES = "SAN=dns:localhost,ip:127.0.0.1";
    private static final AtomicInteger COMMANDS = new AtomicInteger();

    /** A certificate authority: its certificate, as an object and as a PEM file to trust. */
    public record Authority(String name, X509Certificate certificate, Path certificatePem, Path keyStore) {
    }

    /**
     * A certificate with its key.
     *
     * @param chain               the certificate and its CA's, leaf first
     * @param certificateChainPem the chain as PEM
     * @param privateKeyPem       the key as unencrypted PKCS#8 PEM ({@code PRIVATE KEY})
     * @param pkcs1PrivateKeyPem  for an RSA key, the key as PKCS#1 PEM ({@code RSA PRIVATE KEY}); else null
     * @param keyStore            a PKCS12 key store holding the key and chain under the alias
     *                            {@code name}, with {@link #PASSWORD}
     */
    public record Identity(String name, List<X509Certificate> chain, PrivateKey privateKey, Path certificateChainPem,
                           Path privateKeyPem, Path pkcs1PrivateKeyPem, Path keyStore) {
        public X509Certificate certificate() {
            return chain.get(0);
        }

        /** A server context presenting this identity; it trusts no client certificates. */
        public SSLContext serverContext() {
            return serverContext(null);
        }

        /**
         * A server context presenting this identity and trusting client certificates issued by
         * {@code clientIssuer} (none when null); whether it asks for them is the socket's choice
         * ({@code setNeedClientAuth}).
         */
        public SSLContext serverContext(Authority clientIssuer) {
            try {
                KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(load(keyStore), PASSWORD.toCharArray());
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                trusted.load(null, null);
                if (clientIssuer != null) trusted.setCertificateEntry(clientIssuer.name(), clientIssuer.certificate());
                TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(trusted);
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
                return context;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static final class Holder {
        static final TestPki INSTANCE = create();
    }

    private final Path dir;
    private final Authority ca;
    private final Authority untrustedCa;
    private final Identity localhost;
    private final Identity untrustedLocalhost;
    private final Identity wrongName;
    private final Identity client;

    private TestPki(Path dir, Authority ca, Authority untrustedCa, List<Identity> identities) {
        this.dir = dir;
        this.ca = ca;
        this.untrustedCa = untrustedCa;
        this.localhost = identities.get(0);
        this.untrustedLocalhost = identities.get(1);
        this.wrongName = identities.get(2);
        this.client = identities.get(3);
    }

    /** The PKI, made on first use. */
    public static TestPki get() {
        return Holder.INSTANCE;
    }

    /** The directory holding every file. */
    public Path dir() {
        return dir;
    }

    public Authority ca() {
        return ca;
    }

    public Authority untrustedCa() {
        return untrustedCa;
    }

    /** {@code CN=localhost}, {@code DNS:localhost}, {@code IP:127.0.0.1}, RSA, signed by {@link #ca()}. */
    public Identity localhost() {
        return localhost;
    }

    /** The same names as {@link #localhost()}, EC, signed by {@link #untrustedCa()}. */
    public Identity untrustedLocalhost() {
        return untrustedLocalhost;
    }

    /** {@code CN=wrong.example}, {@code DNS:wrong.example} only, EC, signed by {@link #ca()}. */
    public Identity wrongName() {
        return wrongName;
    }

    /** {@code CN=Tether Test Client}, RSA, extended key usage clientAuth, signed by {@link #ca()}. */
    public Identity client() {
        return client;
    }

    private static TestPki create() {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Path dir = Files.createTempDirectory("tether-test-pki");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            Future<Authority> ca = pool.submit(() -> authority(dir, "ca", "CN=Tether Test CA"));
            Future<Authority> untrustedCa = pool.submit(() -> authority(dir, "untrusted-ca", "CN=Tether Untrusted CA"));
            List<Future<Identity>> identities = List.of(
                    pool.submit(() -> identity(dir, "localhost", "RSA", "CN=localhost", ca.get(), SERVER_NAMES, "EKU=serverAuth")),
                    pool.submit(() -> identity(dir, "untrusted-localhost", "EC", "CN=localhost", untrustedCa.get(), SERVER_NAMES,
                            "EKU=serverAuth")),
                    pool.submit(() -> identity(dir, "wrong-name", "EC", "CN=wrong.example", ca.get(), "SAN=dns:wrong.example",
                            "EKU=serverAuth")),
                    pool.submit(() -> identity(dir, "client", "RSA", "CN=Tether Test Client", ca.get(), null, "EKU=clientAuth")));
            List<Identity> made = new ArrayList<>();
            for (Future<Identity> identity : identities) made.add(identity.get());
            return new TestPki(dir, ca.get(), untrustedCa.get(), made);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not make the test PKI: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making the test PKI", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Authority authority(Path dir, String name, String subject) throws Exception {
        Path store = dir.resolve(name + ".p12");
        keytool(dir, "-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", subject,
                "-ext", "BC:c=ca:true", "-ext", "KU:c=keyCertSign,cRLSign", "-validity", "3",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
        X509Certificate certificate = (X509Certificate) load(store).getCertificate(name);
        Path pem = dir.resolve(name + ".pem");
        Files.writeString(pem, pem("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
        return new Authority(name, certificate, pem, store);
    }

    private static Identity identity(Path dir, String name, String keyAlgorithm, String subject, Authority issuer,
                                     String subjectAlternativeNames, String extendedKeyUsage) throws Exception {
        Path store = dir.resolve(name + "-key.p12");
        Path request = dir.resolve(name + ".csr");
        Path issued = dir.resolve(name + ".cer");
        List<String> keyOptions = keyAlgorithm.equals("RSA") ? List.of("-keyalg", "RSA", "-keysize", "2048")
                : List.of("-keyalg", "EC", "-groupname", "secp256r1");
        List<String> generate = new ArrayList<>(List.of("-genkeypair", "-alias", name));
        generate.addAll(keyOptions);
        generate.addAll(List.of("-dname", subject, "-validity", "3", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD));
        keytool(dir, generate.toArray(new String[0]));
        keytool(dir, "-certreq", "-alias", name, "-keystore", store.toString(), "-storepass", PASSWORD, "-file", request.toString());
        List<String> sign = new ArrayList<>(List.of("-gencert", "-alias", issuer.name(), "-keystore", issuer.keyStore().toString(),
                "-storepass", PASSWORD, "-infile", request.toString(), "-outfile", issued.toString(), "-validity", "3", "-rfc",
                "-ext", extendedKeyUsage));
        if (subjectAlternativeNames != null) sign.addAll(List.of("-ext", subjectAlternativeNames));
        keytool(dir, sign.toArray(new String[0]));

        PrivateKey key = (PrivateKey) load(store).getKey(name, PASSWORD.toCharArray());
        X509Certificate leaf;
        try (InputStream in = Files.newInputStream(issued)) {
            leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        List<X509Certificate> chain = List.of(leaf, issuer.certificate());

        // the key store servers use: the key with its signed chain (keytool's own store has the self-signed one)
        Path chainStore = dir.resolve(name + ".p12");
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry(name, key, PASSWORD.toCharArray(), chain.toArray(new X509Certificate[0]));
        try (OutputStream out = Files.newOutputStream(chainStore)) {
            keyStore.store(out, PASSWORD.toCharArray());
        }

        Path chainPem = dir.resolve(name + "-chain.pem");
        StringBuilder chainText = new StringBuilder();
        for (X509Certificate certificate : chain) chainText.append(pem("CERTIFICATE", certificate.getEncoded()));
        Files.writeString(chainPem, chainText, StandardCharsets.US_ASCII);
        Path keyPem = dir.resolve(name + "-key.pem");
        Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
        Path pkcs1Pem = null;
        if (keyAlgorithm.equals("RSA")) {
            pkcs1Pem = dir.resolve(name + "-key-pkcs1.pem");
            Files.writeString(pkcs1Pem, pem("RSA PRIVATE KEY", pkcs1(key.getEncoded())), StandardCharsets.US_ASCII);
        }
        return new Identity(name, chain, key, chainPem, keyPem, pkcs1Pem, chainStore);
    }

    /** The RSAPrivateKey inside an RSA PrivateKeyInfo: its OCTET STRING's contents, PKCS#1 as it is. */
    static byte[] pkcs1(byte[] pkcs8) {
        Der.Reader fields = new Der.Reader(pkcs8).next(Der.SEQUENCE, "PrivateKeyInfo").children();
        fields.next(Der.INTEGER, "version");
        fields.next(Der.SEQUENCE, "algorithm");
        return fields.next(Der.OCTET_STRING, "privateKey").contents();
    }

    /** PEM text of one block: base64 in lines of 64, as openssl writes it. */
    public static String pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    static KeyStore load(Path store) throws GeneralSecurityException, IOException {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(store))) {
            keyStore.load(in, PASSWORD.toCharArray());
        }
        return keyStore;
    }

    private static void keytool(Path dir, String... arguments) throws IOException, InterruptedException {
        String executable = System.getProperty("os.name").startsWith("Windows") ? "keytool.exe" : "keytool";
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", executable).toString());
        // a short-lived tool: the client compiler starts faster
        command.add("-J-XX:TieredStopAtLevel=1");
        command.addAll(List.of(arguments));
        // into a file, not a pipe: a pipe nobody reads could block keytool, and reading it would defeat the timeout
        Path log = dir.resolve("keytool-" + COMMANDS.incrementAndGet() + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("keytool did not finish in " + KEYTOOL_TIMEOUT_SECONDS + " s: " + command);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed (" + process.exitValue() + "): " + command + "\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // best effort at JVM exit; the directory is under the temp dir anyway
        }
    }
}
