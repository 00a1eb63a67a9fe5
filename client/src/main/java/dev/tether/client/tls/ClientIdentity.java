package dev.tether.client.tls;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.util.List;
import java.util.Objects;

/**
 * A client certificate chain and its private key, read from PEM files and checked to belong
 * together, so that a wrong pair fails when the options are built rather than as a handshake
 * failure the server explains badly.
 *
 * @param chain the certificates, the client's own first
 * @param key   the private key of the first certificate
 */
public record ClientIdentity(List<X509Certificate> chain, PrivateKey key) {
    private static final byte[] PROBE = "tether key check".getBytes(StandardCharsets.US_ASCII);

    public ClientIdentity {
        chain = List.copyOf(chain);
        Objects.requireNonNull(key, "key");
        if (chain.isEmpty()) throw new IllegalArgumentException("the certificate chain is empty");
    }

    /**
     * Reads the chain and the key and checks that the key belongs to the chain's first certificate.
     *
     * @throws IllegalArgumentException naming the file and the problem, as {@link PemFiles} does, or
     *                                  both files when the key is not the certificate's
     */
    public static ClientIdentity read(Path certificateChain, Path privateKey) {
        List<X509Certificate> chain = PemFiles.readCertificates(certificateChain);
        PrivateKey key = PemFiles.readPrivateKey(privateKey);
        String mismatch = mismatch(key, chain.get(0).getPublicKey());
        if (mismatch != null) {
            throw new IllegalArgumentException(privateKey + ": this private key does not belong to the first certificate in "
                    + certificateChain + " (" + chain.get(0).getSubjectX500Principal().getName() + "): " + mismatch);
        }
        return new ClientIdentity(chain, key);
    }

    /** Why {@code key} is not the private half of {@code publicKey}, or null when it is (or cannot be told cheaply). */
    static String mismatch(PrivateKey key, PublicKey publicKey) {
        if (key instanceof RSAKey rsa && publicKey instanceof RSAKey rsaPublic) {
            // the modulus is the whole of an RSA key's identity
            BigInteger modulus = rsa.getModulus();
            return modulus.equals(rsaPublic.getModulus()) ? null : "the RSA moduli differ";
        }
        String keyKind = kind(key.getAlgorithm());
        String certificateKind = kind(publicKey.getAlgorithm());
        if (!keyKind.equals(certificateKind)) {
            return "the key is " + keyKind + " but the certificate's key is " + certificateKind;
        }
        if (key instanceof ECKey ec && publicKey instanceof ECKey ecPublic
                && !ec.getParams().getCurve().equals(ecPublic.getParams().getCurve())) {
            return "the keys are on different curves";
        }
        String algorithm = switch (keyKind) {
            case "EC" -> "SHA256withECDSA";
            case "EdDSA" -> "EdDSA";
            default -> null;
        };
        if (algorithm == null) return null;
        // one signature made and checked: cheap, and the only check that proves an EC or EdDSA pair
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(PROBE);
            return verifier.verify(signature) ? null : "a signature made with the key does not verify with the certificate";
        } catch (GeneralSecurityException e) {
            return "a signature made with the key does not verify with the certificate (" + e.getMessage() + ")";
        }
    }

    private static String kind(String algorithm) {
        return switch (algorithm) {
            case "Ed25519", "Ed448" -> "EdDSA";
            case "RSASSA-PSS" -> "RSA";
            default -> algorithm;
        };
    }
}
