package dev.tether.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tether.client.tls.EngineClient;
import dev.tether.client.tls.PemFiles;
import dev.tether.client.tls.TestPki;
import dev.tether.client.tls.TlsTestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS options, over real TLS on 127.0.0.1: a JDK server with certificates from {@link TestPki}, and
 * the engine {@link TlsOptions#newEngine} makes, driven as the client's transport drives it.
 */
class TlsOptionsTest {
    private static final TestPki PKI = TestPki.get();
    private static final int GREETING_BYTES = TlsTestServer.GREETING.length();

    private final List<TlsTestServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() throws IOException {
        for (TlsTestServer server : servers) server.close();
    }

    private TlsTestServer serve(TestPki.Identity identity) throws IOException {
        return track(TlsTestServer.start(identity.serverContext()));
    }

    private TlsTestServer track(TlsTestServer server) {
        servers.add(server);
        return server;
    }

    private static TlsOptions trustingTheTestCa() {
        return TlsOptions.builder().trustPem(PKI.ca().certificatePem()).build();
    }

    private static EngineClient.Result connect(TlsOptions options, String host, TlsTestServer server) throws IOException {
        return EngineClient.exchange(options.newEngine(host, server.port()), server.port(), GREETING_BYTES);
    }

    /** The handshake fails on the client with an {@link SSLHandshakeException} caused by a certificate problem. */
    private static SSLHandshakeException certificateRefused(TlsOptions options, String host, TlsTestServer server) {
        SSLHandshakeException refused = assertThrows(SSLHandshakeException.class, () -> connect(options, host, server));
        Throwable cause = refused;
        while (cause != null && !(cause instanceof CertificateException)) cause = cause.getCause();
        assertNotNull(cause, () -> "no CertificateException among the causes of " + refused);
        return refused;
    }

    @Nested
    class ServerCertificates {
        @Test
        void aServerWhoseCaIsTrustedIsConnectedToByNameWithTheNameInSni() throws Exception {
            TlsTestServer server = serve(PKI.localhost());
            EngineClient.Result result = connect(trustingTheTestCa(), "localhost", server);
            assertEquals(TlsTestServer.GREETING, result.received());
            assertEquals(List.of("localhost"), server.seen().serverNames());
        }

        @Test
        void anIpLiteralIsCheckedAgainstTheIpAddressesOfTheCertificateAndNotSentInSni() throws Exception {
            TlsTestServer server = serve(PKI.localhost());
            assertEquals(TlsTestServer.GREETING, connect(trustingTheTestCa(), "127.0.0.1", server).received());
            assertEquals(List.of(), server.seen().serverNames());
        }

        @Test
        void aServerWhoseCaIsNotTrustedIsRefused() throws Exception {
            TlsTestServer server = serve(PKI.untrustedLocalhost());
            SSLHandshakeException refused = certificateRefused(trustingTheTestCa(), "localhost", server);
            assertTrue(refused.getMessage().contains("PKIX path building failed"), refused::getMessage);
        }

        @Test
        void aCertificateForAnotherNameIsRefused() throws Exception {
            TlsTestServer server = serve(PKI.wrongName());
            SSLHandshakeException refused = certificateRefused(trustingTheTestCa(), "localhost", server);
            assertTrue(refused.getMessage().contains("localhost"), refused::getMessage);
        }

        @Test
        void aCertificateWithoutTheIpAddressIsRefusedForTheIpLiteral() throws Exception {
            TlsTestServer server = serve(PKI.wrongName());
            SSLHandshakeException refused = certificateRefused(trustingTheTestCa(), "127.0.0.1", server);
            assertTrue(refused.getMessage().contains("127.0.0.1"), refused::getMessage);
        }

        @Test
        void theDefaultsTrustTheJdksCasAndNotATestCa() throws Exception {
            TlsTestServer server = serve(PKI.localhost());
            certificateRefused(TlsOptions.defaults(), "localhost", server);
        }

        @Test
        void sslParametersCannotTurnHostNameVerificationOff() throws Exception {
            SSLParameters parameters = new SSLParameters();
            parameters.setEndpointIdentificationAlgorithm("");
            TlsOptions options = TlsOptions.builder().trustPem(PKI.ca().certificatePem()).sslParameters(parameters).build();
            certificateRefused(options, "localhost", serve(PKI.wrongName()));
        }

        @Test
        void theBundleIsExactlyWhatIsTrusted() throws Exception {
            TlsOptions options = TlsOptions.builder().trustPem(PKI.untrustedCa().certificatePem()).build();
            assertEquals(TlsTestServer.GREETING, connect(options, "localhost", serve(PKI.untrustedLocalhost())).received());
            certificateRefused(options, "localhost", serve(PKI.localhost()));
        }
    }

    @Nested
    class Insecure {
        private static final TlsOptions INSECURE = TlsOptions.builder().insecureTrustAnyCertificateForTesting().build();

        @Test
        void acceptsACertificateFromAnUntrustedCa() throws Exception {
            assertEquals(TlsTestServer.GREETING, connect(INSECURE, "localhost", serve(PKI.untrustedLocalhost())).received());
        }

        @Test
        void acceptsACertificateForAnotherName() throws Exception {
            assertEquals(TlsTestServer.GREETING, connect(INSECURE, "localhost", serve(PKI.wrongName())).received());
        }

        @Test
        void stillSendsSni() throws Exception {
            TlsTestServer server = serve(PKI.wrongName());
            connect(INSECURE, "localhost", server);
            assertEquals(List.of("localhost"), server.seen().serverNames());
        }

        @Test
        void saysSoWhereverItIsShown() {
            assertTrue(INSECURE.isInsecure());
            assertEquals("TlsOptions[INSECURE: any certificate for any host]", INSECURE.toString());
            assertNull(INSECURE.newEngine("localhost", 443).getSSLParameters().getEndpointIdentificationAlgorithm());
        }
    }

    @Nested
    class ClientCertificates {
        private TlsTestServer requiringClientCertificates() throws IOException {
            return track(TlsTestServer.start(PKI.localhost().serverContext(PKI.ca()), true, null));
        }

        @Test
        void theClientCertificateIsPresentedToAServerThatRequiresOne() throws Exception {
            TestPki.Identity client = PKI.client();
            TlsOptions options = TlsOptions.builder().trustPem(PKI.ca().certificatePem())
                    .clientCertificatePem(client.certificateChainPem(), client.privateKeyPem()).build();
            TlsTestServer server = requiringClientCertificates();
            assertEquals(TlsTestServer.GREETING, connect(options, "localhost", server).received());
            assertEquals(client.certificate(), server.seen().clientCertificate());
        }

        @Test
        void aPkcs1KeyServesAsWell() throws Exception {
            TestPki.Identity client = PKI.client();
            TlsOptions options = TlsOptions.builder().trustPem(PKI.ca().certificatePem())
                    .clientCertificatePem(client.certificateChainPem(), client.pkcs1PrivateKeyPem()).build();
            TlsTestServer server = requiringClientCertificates();
            assertEquals(TlsTestServer.GREETING, connect(options, "localhost", server).received());
            assertEquals(client.certificate(), server.seen().clientCertificate());
        }

        @Test
        void theInsecureSwitchStillPresentsTheClientCertificate() throws Exception {
            TestPki.Identity client = PKI.client();
            TlsOptions options = TlsOptions.builder().insecureTrustAnyCertificateForTesting()
                    .clientCertificatePem(client.certificateChainPem(), client.privateKeyPem()).build();
            TlsTestServer server = requiringClientCertificates();
            connect(options, "localhost", server);
            assertEquals(client.certificate(), server.seen().clientCertificate());
        }

        @Test
        void withoutOneAServerThatRequiresOneRefusesTheConnection() throws Exception {
            TlsTestServer server = requiringClientCertificates();
            // in TLS 1.3 the client learns it from the server's alert, after its own side of the handshake
            assertThrows(SSLException.class, () -> connect(trustingTheTestCa(), "localhost", server));
            ExecutionException failed = assertThrows(ExecutionException.class, server::seen);
            assertInstanceOf(SSLHandshakeException.class, failed.getCause());
        }
    }

    @Nested
    class Engines {
        @Test
        void areInClientModeWithHostNameVerification() {
            SSLEngine engine = trustingTheTestCa().newEngine("example.com", 443);
            assertTrue(engine.getUseClientMode());
            assertEquals("HTTPS", engine.getSSLParameters().getEndpointIdentificationAlgorithm());
            assertEquals("example.com", engine.getPeerHost());
            assertEquals(443, engine.getPeerPort());
        }

        @Test
        void nameHostNamesInSniButNotIpLiterals() {
            TlsOptions options = TlsOptions.defaults();
            assertEquals(List.of("localhost"), sni(options.newEngine("localhost", 443)));
            assertEquals(List.of("example.com"), sni(options.newEngine("example.com.", 443)), "without the root's dot");
            assertEquals(List.of(), sni(options.newEngine("127.0.0.1", 443)));
            assertEquals(List.of(), sni(options.newEngine("::1", 443)));
            assertEquals(List.of(), sni(options.newEngine("my_host", 443)), "SNI cannot carry an underscore");
        }

        @Test
        void takeIpv6LiteralsWithOrWithoutBrackets() {
            SSLEngine engine = TlsOptions.defaults().newEngine("[::1]", 8443);
            assertEquals("::1", engine.getPeerHost());
            assertEquals(List.of(), sni(engine));
        }

        @Test
        void carryTheConfiguredParameters() throws Exception {
            SSLParameters parameters = new SSLParameters();
            parameters.setProtocols(new String[] {"TLSv1.2"});
            parameters.setApplicationProtocols(new String[] {"x-tether", "http/1.1"});
            TlsOptions options = TlsOptions.builder().trustPem(PKI.ca().certificatePem()).sslParameters(parameters).build();
            parameters.setProtocols(new String[] {"TLSv1.3"}); // too late: the options hold a copy

            SSLEngine engine = options.newEngine("localhost", 443);
            assertEquals(List.of("TLSv1.2"), List.of(engine.getEnabledProtocols()));
            assertEquals(List.of("x-tether", "http/1.1"), List.of(engine.getSSLParameters().getApplicationProtocols()));

            TlsTestServer server = track(TlsTestServer.start(PKI.localhost().serverContext(), false, new String[] {"x-tether"}));
            EngineClient.Result result = connect(options, "localhost", server);
            assertEquals("TLSv1.2", result.protocol());
            assertEquals("x-tether", result.applicationProtocol());
            assertEquals("TLSv1.2", server.seen().protocol());
        }

        @Test
        void useServerNamesTheParametersGiveInsteadOfTheHost() {
            SSLParameters parameters = new SSLParameters();
            parameters.setServerNames(List.of(new SNIHostName("front.example")));
            TlsOptions options = TlsOptions.builder().sslParameters(parameters).build();
            assertEquals(List.of("front.example"), sni(options.newEngine("127.0.0.1", 443)));
        }

        @Test
        void comeFromAContextGivenAsItIs() throws NoSuchAlgorithmException {
            TlsOptions options = TlsOptions.builder().sslContext(SSLContext.getDefault()).build();
            assertSame(SSLContext.getDefault(), options.sslContext());
            assertEquals("HTTPS", options.newEngine("localhost", 443).getSSLParameters().getEndpointIdentificationAlgorithm());
        }

        private static List<String> sni(SSLEngine engine) {
            List<SNIServerName> names = engine.getSSLParameters().getServerNames();
            return names == null ? List.of() : names.stream().map(name -> ((SNIHostName) name).getAsciiName()).toList();
        }
    }

    @Nested
    class Building {
        @TempDir
        Path dir;

        @Test
        void defaultsAreTheJdksDefaultContext() throws NoSuchAlgorithmException {
            assertSame(SSLContext.getDefault(), TlsOptions.defaults().sslContext());
            assertSame(SSLContext.getDefault(), TlsOptions.builder().build().sslContext());
            assertFalse(TlsOptions.defaults().isInsecure());
            assertEquals("TlsOptions[default SSLContext]", TlsOptions.defaults().toString());
        }

        @Test
        void aContextOfOnesOwnCannotBeCombinedWithPemFiles() throws NoSuchAlgorithmException {
            SSLContext context = SSLContext.getDefault();
            assertEquals("sslContext(…) cannot be combined with trustPem(" + PKI.ca().certificatePem() + "): put the trusted"
                            + " certificates and the client key into that SSLContext, or leave it out",
                    refusal(TlsOptions.builder().sslContext(context).trustPem(PKI.ca().certificatePem())));
            assertTrue(refusal(TlsOptions.builder().sslContext(context)
                    .clientCertificatePem(PKI.client().certificateChainPem(), PKI.client().privateKeyPem()))
                    .startsWith("sslContext(…) cannot be combined with clientCertificatePem(" + PKI.client().certificateChainPem()));
        }

        @Test
        void theInsecureSwitchCannotBeCombinedWithWhatItWouldIgnore() throws NoSuchAlgorithmException {
            assertTrue(refusal(TlsOptions.builder().insecureTrustAnyCertificateForTesting().trustPem(PKI.ca().certificatePem()))
                    .startsWith("insecureTrustAnyCertificateForTesting() cannot be combined with trustPem("));
            assertTrue(refusal(TlsOptions.builder().insecureTrustAnyCertificateForTesting().sslContext(SSLContext.getDefault()))
                    .startsWith("insecureTrustAnyCertificateForTesting() cannot be combined with sslContext(…)"));
        }

        @Test
        void aMissingTrustBundleIsNamed() {
            Path missing = dir.resolve("ca.pem");
            assertEquals(missing + ": no such file", refusal(TlsOptions.builder().trustPem(missing)));
        }

        @Test
        void aTrustBundleWithoutCertificatesIsNamed() throws IOException {
            Path keyOnly = Files.copy(PKI.client().privateKeyPem(), dir.resolve("ca.pem"));
            assertEquals(keyOnly + ": no certificate found (found only PRIVATE KEY)", refusal(TlsOptions.builder().trustPem(keyOnly)));
        }

        @Test
        void anEncryptedClientKeyIsRefusedWithHowToDecryptIt() throws IOException {
            Path encrypted = Files.writeString(dir.resolve("client-key.pem"), "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n"
                    + "-----END ENCRYPTED PRIVATE KEY-----\n");
            String message = refusal(TlsOptions.builder().clientCertificatePem(PKI.client().certificateChainPem(), encrypted));
            assertTrue(message.startsWith(encrypted + ": the private key is encrypted"), message);
            assertTrue(message.contains("openssl pkey -in " + encrypted), message);
        }

        @Test
        void aClientKeyThatIsNotTheCertificatesIsRefused() {
            String message = refusal(TlsOptions.builder()
                    .clientCertificatePem(PKI.client().certificateChainPem(), PKI.localhost().privateKeyPem()));
            assertTrue(message.startsWith(PKI.localhost().privateKeyPem() + ": this private key does not belong to the first"
                    + " certificate in " + PKI.client().certificateChainPem()), message);
        }

        @Test
        void chainAndKeyMayShareAFile() throws IOException {
            Path both = dir.resolve("client.pem");
            Files.writeString(both, Files.readString(PKI.client().certificateChainPem()) + Files.readString(PKI.client().privateKeyPem()));
            TlsOptions options = TlsOptions.builder().clientCertificatePem(both, both).build();
            assertEquals("TlsOptions[default SSLContext, client certificate " + both + "]", options.toString());
            assertEquals(2, PemFiles.readCertificates(both).size());
        }

        @Test
        void unknownCipherSuitesFailTheBuild() {
            SSLParameters parameters = new SSLParameters(new String[] {"TLS_NO_SUCH_SUITE"});
            assertTrue(refusal(TlsOptions.builder().sslParameters(parameters)).startsWith("sslParameters: "));
        }

        private String refusal(TlsOptions.Builder builder) {
            return assertThrows(IllegalArgumentException.class, builder::build).getMessage();
        }
    }
}
