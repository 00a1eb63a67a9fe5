package dev.tether.client.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.PrivateKey;
import java.security.PublicKey;
import org.junit.jupiter.api.Test;

/** A client certificate and a key that does not belong to it are refused before any connection. */
class ClientIdentityTest {
    private static final TestPki PKI = TestPki.get();

    private static PublicKey certified(String pem) {
        return PemFiles.parseCertificates(pem).get(0).getPublicKey();
    }

    @Test
    void aKeyMatchesItsOwnCertificate() {
        assertNull(ClientIdentity.mismatch(PemFiles.parsePrivateKey(PemVectors.RSA_PKCS1), certified(PemVectors.RSA_CERTIFICATE)));
        assertNull(ClientIdentity.mismatch(PemFiles.parsePrivateKey(PemVectors.EC_SEC1), certified(PemVectors.EC_CERTIFICATE)));
        assertNull(ClientIdentity.mismatch(PKI.wrongName().privateKey(), PKI.wrongName().certificate().getPublicKey()));
    }

    @Test
    void anotherRsaKeyHasAnotherModulus() {
        PrivateKey other = PemFiles.parsePrivateKey(PemVectors.RSA_PKCS8);
        assertEquals("the RSA moduli differ", ClientIdentity.mismatch(other, PKI.client().certificate().getPublicKey()));
    }

    @Test
    void anotherEcKeyOnTheSameCurveFailsTheSignatureCheck() {
        PrivateKey other = PemFiles.parsePrivateKey(PemVectors.EC_PKCS8);
        assertEquals("a signature made with the key does not verify with the certificate",
                ClientIdentity.mismatch(other, PKI.wrongName().certificate().getPublicKey()));
    }

    @Test
    void aKeyOfAnotherKindIsNamed() {
        assertEquals("the key is EC but the certificate's key is RSA",
                ClientIdentity.mismatch(PemFiles.parsePrivateKey(PemVectors.EC_PKCS8), certified(PemVectors.RSA_CERTIFICATE)));
    }

    @Test
    void readingAMismatchedPairNamesBothFiles() {
        TestPki.Identity client = PKI.client();
        TestPki.Identity server = PKI.localhost();
        String message = assertThrows(IllegalArgumentException.class,
                () -> ClientIdentity.read(client.certificateChainPem(), server.privateKeyPem())).getMessage();
        assertEquals(server.privateKeyPem() + ": this private key does not belong to the first certificate in "
                + client.certificateChainPem() + " (CN=Tether Test Client): the RSA moduli differ", message);
    }

    @Test
    void readingAMatchedPairKeepsTheWholeChain() {
        TestPki.Identity client = PKI.client();
        ClientIdentity identity = ClientIdentity.read(client.certificateChainPem(), client.pkcs1PrivateKeyPem());
        assertEquals(client.chain(), identity.chain());
        assertEquals(client.privateKey(), identity.key());
    }
}
