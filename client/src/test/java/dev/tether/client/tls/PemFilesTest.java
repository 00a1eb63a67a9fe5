package dev.tether.client.tls;

import static dev.tether.client.tls.PemVectors.EC_CERTIFICATE;
import static dev.tether.client.tls.PemVectors.EC_PARAMETERS_AND_SEC1;
import static dev.tether.client.tls.PemVectors.EC_PKCS8;
import static dev.tether.client.tls.PemVectors.EC_SEC1;
import static dev.tether.client.tls.PemVectors.EC_SEC1_EXPLICIT_CURVE;
import static dev.tether.client.tls.PemVectors.EC_SEC1_NO_PUBLIC_KEY;
import static dev.tether.client.tls.PemVectors.ED25519_PKCS8;
import static dev.tether.client.tls.PemVectors.RSA_CERTIFICATE;
import static dev.tether.client.tls.PemVectors.RSA_PKCS1;
import static dev.tether.client.tls.PemVectors.RSA_PKCS1_ENCRYPTED;
import static dev.tether.client.tls.PemVectors.RSA_PKCS8;
import static dev.tether.client.tls.PemVectors.RSA_PKCS8_ENCRYPTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificates and keys read from PEM as OpenSSL writes it; every refusal says what is wrong and where. */
class PemFilesTest {
    @Nested
    class Keys {
        @Test
        void pkcs8RsaKeysAreReadAsTheyAre() {
            PrivateKey key = PemFiles.parsePrivateKey(RSA_PKCS8);
            RSAPrivateCrtKey rsa = assertInstanceOf(RSAPrivateCrtKey.class, key);
            RSAPublicKey certified = (RSAPublicKey) PemFiles.parseCertificates(RSA_CERTIFICATE).get(0).getPublicKey();
            assertEquals(certified.getModulus(), rsa.getModulus());
        }

        @Test
        void pkcs1RsaKeysAreTheSameKeyAsTheirPkcs8Form() {
            PrivateKey pkcs1 = PemFiles.parsePrivateKey(RSA_PKCS1);
            assertEquals(PemFiles.parsePrivateKey(RSA_PKCS8), pkcs1);
            assertEquals("PKCS#8", pkcs1.getFormat());
        }

        @Test
        void pkcs8EcKeysAreRead() {
            ECPrivateKey key = assertInstanceOf(ECPrivateKey.class, PemFiles.parsePrivateKey(EC_PKCS8));
            ECPublicKey certified = (ECPublicKey) PemFiles.parseCertificates(EC_CERTIFICATE).get(0).getPublicKey();
            assertEquals(certified.getParams().getCurve(), key.getParams().getCurve());
        }

        @Test
        void sec1EcKeysAreTheSameKeyAsTheirPkcs8FormWithOrWithoutThePublicKey() {
            ECPrivateKey expected = (ECPrivateKey) PemFiles.parsePrivateKey(EC_PKCS8);
            for (String sec1 : List.of(EC_SEC1, EC_SEC1_NO_PUBLIC_KEY, EC_PARAMETERS_AND_SEC1)) {
                ECPrivateKey key = assertInstanceOf(ECPrivateKey.class, PemFiles.parsePrivateKey(sec1));
                assertEquals(expected.getS(), key.getS());
                assertEquals(expected.getParams().getCurve(), key.getParams().getCurve());
                assertEquals(expected.getParams().getGenerator(), key.getParams().getGenerator());
            }
        }

        @Test
        void ed25519KeysAreRead() {
            assertEquals("EdDSA", PemFiles.parsePrivateKey(ED25519_PKCS8).getAlgorithm());
        }

        @Test
        void aKeyMayShareItsFileWithTheCertificateAndOtherText() {
            String combined = "Bag Attributes\n    friendlyName: client\n" + RSA_CERTIFICATE + "subject=CN = rsa.example\n" + RSA_PKCS1;
            assertEquals(PemFiles.parsePrivateKey(RSA_PKCS8), PemFiles.parsePrivateKey(combined));
            assertEquals(1, PemFiles.parseCertificates(combined).size());
        }

        @Test
        void windowsLineEndingsAndIndentationAreTolerated() {
            String crlf = RSA_PKCS8.replace("\n", "\r\n").replace("\r\nM", "\r\n  M");
            assertEquals(PemFiles.parsePrivateKey(RSA_PKCS8), PemFiles.parsePrivateKey(crlf));
        }

        @Test
        void encryptedPkcs8KeysAreRefusedWithTheCommandThatDecryptsThem() {
            String message = refusal(() -> PemFiles.parsePrivateKey(RSA_PKCS8_ENCRYPTED));
            assertEquals("the private key is encrypted (the ENCRYPTED PRIVATE KEY block at line 1), and only unencrypted keys"
                    + " are read: decrypt it with `openssl pkey -in key.pem -out key-decrypted.pem` (it asks for the pass"
                    + " phrase) and give that file instead, readable only by its owner", message);
        }

        @Test
        void legacyEncryptedPkcs1KeysAreRefusedToo() {
            assertTrue(refusal(() -> PemFiles.parsePrivateKey(RSA_PKCS1_ENCRYPTED))
                    .startsWith("the private key is encrypted (the RSA PRIVATE KEY block at line 1)"));
        }

        @Test
        void explicitCurveParametersAreRefusedWithHowToNameTheCurve() {
            assertTrue(refusal(() -> PemFiles.parsePrivateKey(EC_SEC1_EXPLICIT_CURVE))
                    .contains("explicit parameters, not by name: re-export it with `openssl ec -in key.pem -param_enc named_curve"));
        }

        @Test
        void aFileWithoutAKeySaysWhatItHolds() {
            assertEquals("no private key found (found only CERTIFICATE)", refusal(() -> PemFiles.parsePrivateKey(RSA_CERTIFICATE)));
        }

        @Test
        void twoKeysAreAmbiguous() {
            assertEquals("more than one private key found (2 blocks): give a file with one",
                    refusal(() -> PemFiles.parsePrivateKey(RSA_PKCS8 + EC_PKCS8)));
        }

        @Test
        void otherKeyFormatsAreNamed() {
            String dsa = "-----BEGIN DSA PRIVATE KEY-----\nMAA=\n-----END DSA PRIVATE KEY-----\n";
            assertTrue(refusal(() -> PemFiles.parsePrivateKey(dsa)).startsWith("unsupported key format the DSA PRIVATE KEY block at line 1"));
        }

        @Test
        void pkcs8KeysOfUnknownAlgorithmsNameTheirOid() {
            byte[] unknown = Der.encode(Der.SEQUENCE, new byte[] {2, 1, 0},
                    Der.encode(Der.SEQUENCE, new byte[] {6, 3, 0x2A, 3, 4}), Der.encode(Der.OCTET_STRING, new byte[] {1}));
            assertEquals("the PRIVATE KEY block at line 1 holds a key of an unsupported algorithm (OID 1.2.3.4);"
                    + " RSA, EC, Ed25519 and Ed448 keys are supported", refusal(() -> PemFiles.parsePrivateKey(TestPki.pem("PRIVATE KEY", unknown))));
        }

        @Test
        void aKeyThatIsNotDerSaysSo() {
            String garbage = TestPki.pem("RSA PRIVATE KEY", new byte[] {1, 1, 0});
            assertEquals("the RSA PRIVATE KEY block at line 1 is not a PKCS#1 RSA private key: RSAPrivateKey: expected tag 0x30,"
                    + " found 0x1", refusal(() -> PemFiles.parsePrivateKey(garbage)));
        }

        @Test
        void aWellFormedButInvalidKeySaysWhichAlgorithmRejectedIt() {
            byte[] emptyRsa = Der.encode(Der.SEQUENCE, new byte[0]);
            assertTrue(refusal(() -> PemFiles.parsePrivateKey(TestPki.pem("RSA PRIVATE KEY", emptyRsa)))
                    .startsWith("the RSA PRIVATE KEY block at line 1 is not a valid RSA private key: "));
        }
    }

    @Nested
    class Certificates {
        @Test
        void aChainIsReadInFileOrder() {
            List<X509Certificate> chain = PemFiles.parseCertificates(EC_CERTIFICATE + RSA_CERTIFICATE);
            assertEquals(List.of("CN=ec.example", "CN=rsa.example"),
                    chain.stream().map(c -> c.getSubjectX500Principal().getName()).toList());
        }

        @Test
        void keysAndParametersBesideCertificatesAreSkipped() {
            assertEquals(1, PemFiles.parseCertificates(EC_PARAMETERS_AND_SEC1 + EC_CERTIFICATE).size());
        }

        @Test
        void noBlocksAtAllSuggestsItIsDer() {
            assertTrue(refusal(() -> PemFiles.parseCertificates("\u0030\u0082binary")).startsWith(
                    "no certificate found: there is no -----BEGIN …----- block (a binary DER file? convert it with"
                            + " `openssl x509 -inform der"));
        }

        @Test
        void aMissingEndLineIsNamed() {
            String truncated = EC_CERTIFICATE.substring(0, EC_CERTIFICATE.indexOf("-----END"));
            assertEquals("the CERTIFICATE block at line 1 has no -----END CERTIFICATE----- line",
                    refusal(() -> PemFiles.parseCertificates(truncated)));
        }

        @Test
        void aMismatchedEndLineIsNamed() {
            String mismatched = EC_CERTIFICATE.replace("-----END CERTIFICATE-----", "-----END PRIVATE KEY-----");
            assertEquals("the CERTIFICATE block at line 1 ends with -----END PRIVATE KEY----- at line 11, expected"
                    + " -----END CERTIFICATE-----", refusal(() -> PemFiles.parseCertificates(mismatched)));
        }

        @Test
        void badBase64IsNamed() {
            String bad = "-----BEGIN CERTIFICATE-----\nMII*\n-----END CERTIFICATE-----\n";
            assertTrue(refusal(() -> PemFiles.parseCertificates(bad)).startsWith("the CERTIFICATE block at line 1 is not valid base64: "));
        }

        @Test
        void aBlockThatIsNotACertificateIsNamed() {
            String notACertificate = TestPki.pem("CERTIFICATE", new byte[] {0x30, 0});
            assertTrue(refusal(() -> PemFiles.parseCertificates(notACertificate))
                    .startsWith("the CERTIFICATE block at line 1 is not a valid X.509 certificate: "));
        }
    }

    @Nested
    class FromFiles {
        @TempDir
        Path dir;

        @Test
        void aMissingFileIsNamed() {
            Path missing = dir.resolve("missing.pem");
            assertEquals(missing + ": no such file", refusal(() -> PemFiles.readCertificates(missing)));
        }

        @Test
        void problemsInAFileArePrefixedWithIt() throws IOException {
            Path keyOnly = write("key.pem", RSA_PKCS8);
            assertEquals(keyOnly + ": no certificate found (found only PRIVATE KEY)", refusal(() -> PemFiles.readCertificates(keyOnly)));
        }

        @Test
        void theDecryptCommandNamesTheFile() throws IOException {
            Path encrypted = write("client.key.pem", RSA_PKCS8_ENCRYPTED);
            assertTrue(refusal(() -> PemFiles.readPrivateKey(encrypted)).contains(
                    "`openssl pkey -in " + encrypted + " -out " + dir.resolve("client.key-decrypted.pem") + "`"));
        }

        @Test
        void filesAreReadLikeText() throws IOException {
            assertEquals(PemFiles.parsePrivateKey(EC_SEC1), PemFiles.readPrivateKey(write("ec.pem", EC_SEC1)));
            assertEquals(2, PemFiles.readCertificates(write("chain.pem", EC_CERTIFICATE + RSA_CERTIFICATE)).size());
        }

        private Path write(String name, String text) throws IOException {
            return Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
        }
    }

    static String refusal(Runnable action) {
        return assertThrows(IllegalArgumentException.class, action::run).getMessage();
    }
}
