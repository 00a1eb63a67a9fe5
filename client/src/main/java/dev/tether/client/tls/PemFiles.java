package dev.tether.client.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads certificates and private keys from PEM (RFC 7468), as openssl, Let's Encrypt and most
 * servers write them, so a client can be configured with the files node's {@code ca}, {@code cert}
 * and {@code key} options take.
 *
 * <p>Certificates: every {@code CERTIFICATE} block, in order (a chain, leaf first, or a CA bundle).
 * Private keys: one unencrypted key, in PKCS#8 ({@code PRIVATE KEY}: RSA, EC, Ed25519, Ed448),
 * PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}, named curve); the last two
 * are wrapped into PKCS#8 here, as the JDK reads only that. Encrypted keys are refused with the
 * openssl command that decrypts them. Text outside the blocks (openssl's "Bag Attributes", comments)
 * and blocks of other kinds ({@code EC PARAMETERS}) are skipped.
 *
 * <p>Every problem is an {@link IllegalArgumentException} whose message names the file (for the
 * {@code read} methods) and what is wrong with it.
 */
public final class PemFiles {
    private static final String RSA_OID = "1.2.840.113549.1.1.1";
    private static final String EC_OID = "1.2.840.10045.2.1";
    /** The JDK's KeyFactory algorithm for each key algorithm OID a PKCS#8 key may carry. */
    private static final Map<String, String> KEY_ALGORITHMS = Map.of(
            RSA_OID, "RSA",
            "1.2.840.113549.1.1.10", "RSASSA-PSS",
            EC_OID, "EC",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448");
    /** DER of the OIDs and the NULL the PKCS#8 wrappers need. */
    private static final byte[] RSA_OID_DER = {0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x01, 0x01};
    private static final byte[] EC_OID_DER = {0x06, 0x07, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01};
    private static final byte[] DER_NULL = {0x05, 0x00};
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

    private static final String BEGIN = "-----BEGIN ";
    private static final String END = "-----END ";
    private static final String DASHES = "-----";

    private PemFiles() {
    }

    /**
     * The certificates in the PEM file, in file order.
     *
     * @throws IllegalArgumentException if the file cannot be read, holds no certificate, or one of
     *                                  its certificates is malformed; the message names the file
     */
    public static List<X509Certificate> readCertificates(Path file) {
        String text = read(file);
        try {
            return parseCertificates(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The one private key in the PEM file.
     *
     * @throws IllegalArgumentException if the file cannot be read, holds no key or more than one,
     *                                  or its key is encrypted, malformed or of an unsupported kind;
     *                                  the message names the file
     */
    public static PrivateKey readPrivateKey(Path file) {
        String text = read(file);
        try {
            return privateKey(text, file.toString());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The certificates in PEM text, in order.
     *
     * @throws IllegalArgumentException if there is none, or one is malformed
     */
    public static List<X509Certificate> parseCertificates(String text) {
        List<Block> blocks = blocks(text);
        List<X509Certificate> certificates = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("this JDK has no X.509 certificate factory", e);
        }
        for (Block block : blocks) {
            if (!block.label().equals("CERTIFICATE") && !block.label().equals("X509 CERTIFICATE")) continue;
            try {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
            } catch (CertificateException e) {
                throw new IllegalArgumentException(block + " is not a valid X.509 certificate: " + e.getMessage(), e);
            }
        }
        if (certificates.isEmpty()) throw new IllegalArgumentException("no certificate found" + found(blocks));
        return List.copyOf(certificates);
    }

    /**
     * The one private key in PEM text.
     *
     * @throws IllegalArgumentException if there is none or more than one, or it is encrypted,
     *                                  malformed or of an unsupported kind
     */
    public static PrivateKey parsePrivateKey(String text) {
        return privateKey(text, null);
    }

    private static PrivateKey privateKey(String text, String fileName) {
        List<Block> blocks = blocks(text);
        List<Block> keys = new ArrayList<>();
        for (Block block : blocks) {
            if (block.label().endsWith("PRIVATE KEY")) keys.add(block);
        }
        if (keys.isEmpty()) throw new IllegalArgumentException("no private key found" + found(blocks));
        if (keys.size() > 1) {
            throw new IllegalArgumentException("more than one private key found (" + keys.size() + " blocks): give a file with one");
        }
        Block key = keys.get(0);
        if (key.label().equals("ENCRYPTED PRIVATE KEY") || key.encryptedByHeader()) {
            String in = fileName == null ? "key.pem" : fileName;
            throw new IllegalArgumentException("the private key is encrypted (" + key + "), and only unencrypted keys"
                    + " are read: decrypt it with `openssl pkey -in " + in + " -out " + plainName(in)
                    + "` (it asks for the pass phrase) and give that file instead, readable only by its owner");
        }
        byte[] pkcs8 = switch (key.label()) {
            case "PRIVATE KEY" -> key.der();
            case "RSA PRIVATE KEY" -> pkcs8FromPkcs1(key);
            case "EC PRIVATE KEY" -> pkcs8FromSec1(key);
            default -> throw new IllegalArgumentException("unsupported key format " + key
                    + ": use PKCS#8 (PRIVATE KEY), PKCS#1 (RSA PRIVATE KEY) or SEC1 (EC PRIVATE KEY),"
                    + " e.g. convert with `openssl pkey -in key -out key.pem`");
        };
        return generate(pkcs8, key);
    }

    private static String plainName(String in) {
        return in.endsWith(".pem") ? in.substring(0, in.length() - 4) + "-decrypted.pem" : in + "-decrypted.pem";
    }

    /** PKCS#8 PrivateKeyInfo: SEQUENCE { version, SEQUENCE { algorithm OID, parameters }, OCTET STRING key }. */
    private static PrivateKey generate(byte[] pkcs8, Block block) {
        String oid;
        try {
            Der.Element info = new Der.Reader(pkcs8).next(Der.SEQUENCE, "PrivateKeyInfo");
            Der.Reader fields = info.children();
            fields.next(Der.INTEGER, "PrivateKeyInfo version");
            Der.Reader algorithm = fields.next(Der.SEQUENCE, "PrivateKeyInfo algorithm").children();
            oid = Der.oidToString(algorithm.next(Der.OID, "PrivateKeyInfo algorithm").contents());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(block + " is not a PKCS#8 private key: " + e.getMessage(), e);
        }
        String algorithm = KEY_ALGORITHMS.get(oid);
        if (algorithm == null) {
            throw new IllegalArgumentException(block + " holds a key of an unsupported algorithm (OID " + oid
                    + "); RSA, EC, Ed25519 and Ed448 keys are supported");
        }
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(block + " is not a valid " + algorithm + " private key"
                    + (algorithm.equals("EC") ? " (or is on a curve this JDK does not support)" : "") + ": " + e.getMessage(), e);
        }
    }

    /** Wraps an RSAPrivateKey (PKCS#1) in a PrivateKeyInfo with the rsaEncryption algorithm. */
    private static byte[] pkcs8FromPkcs1(Block block) {
        byte[] pkcs1 = block.der();
        try {
            new Der.Reader(pkcs1).next(Der.SEQUENCE, "RSAPrivateKey");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(block + " is not a PKCS#1 RSA private key: " + e.getMessage(), e);
        }
        return Der.encode(Der.SEQUENCE, VERSION_0, Der.encode(Der.SEQUENCE, RSA_OID_DER, DER_NULL),
                Der.encode(Der.OCTET_STRING, pkcs1));
    }

    /**
     * Wraps an ECPrivateKey (SEC1: SEQUENCE { version 1, OCTET STRING key, [0] curve OID, [1] public
     * key }) in a PrivateKeyInfo whose algorithm parameters name its curve.
     */
    private static byte[] pkcs8FromSec1(Block block) {
        byte[] sec1 = block.der();
        Der.Element parameters = null;
        try {
            Der.Reader fields = new Der.Reader(sec1).next(Der.SEQUENCE, "ECPrivateKey").children();
            fields.next(Der.INTEGER, "ECPrivateKey version");
            fields.next(Der.OCTET_STRING, "ECPrivateKey key");
            while (fields.hasMore()) {
                Der.Element field = fields.next("ECPrivateKey field");
                if (field.tag() == Der.CONTEXT_0) parameters = field.children().next("ECPrivateKey parameters");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(block + " is not a SEC1 EC private key: " + e.getMessage(), e);
        }
        if (parameters == null) {
            throw new IllegalArgumentException(block + " does not name its curve (it has no parameters field), so it cannot"
                    + " be read: export the key again as PKCS#8 from where it came from (`openssl pkey … -out key.pem`)");
        }
        if (parameters.tag() != Der.OID) {
            throw new IllegalArgumentException(block + " gives its curve as explicit parameters, not by name:"
                    + " re-export it with `openssl ec -in key.pem -param_enc named_curve -out named.pem`");
        }
        return Der.encode(Der.SEQUENCE, VERSION_0, Der.encode(Der.SEQUENCE, EC_OID_DER, Der.encode(Der.OID, parameters.contents())),
                Der.encode(Der.OCTET_STRING, sec1));
    }

    /** One {@code -----BEGIN label-----} … {@code -----END label-----} block. */
    private record Block(String label, int line, boolean encryptedByHeader, String base64) {
        byte[] der() {
            try {
                return Base64.getDecoder().decode(base64);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(this + " is not valid base64: " + e.getMessage(), e);
            }
        }

        @Override
        public String toString() {
            return "the " + label + " block at line " + line;
        }
    }

    private static List<Block> blocks(String text) {
        Objects.requireNonNull(text, "text");
        List<Block> blocks = new ArrayList<>();
        String[] lines = text.split("\r\n|\r|\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (!line.startsWith(BEGIN)) continue;
            if (!line.endsWith(DASHES) || line.length() < BEGIN.length() + DASHES.length()) {
                throw new IllegalArgumentException("malformed BEGIN line at line " + (i + 1) + ": " + line);
            }
            String label = line.substring(BEGIN.length(), line.length() - DASHES.length());
            int beginLine = i + 1;
            String endLine = END + label + DASHES;
            StringBuilder base64 = new StringBuilder();
            boolean encrypted = false;
            boolean ended = false;
            for (i++; i < lines.length; i++) {
                String inner = lines[i].strip();
                if (inner.equals(endLine)) {
                    ended = true;
                    break;
                }
                if (inner.startsWith(BEGIN) || inner.startsWith(END)) {
                    throw new IllegalArgumentException("the " + label + " block at line " + beginLine
                            + " ends with " + inner + " at line " + (i + 1) + ", expected " + endLine);
                }
                // RFC 1421 headers, as on legacy encrypted keys: "Proc-Type: 4,ENCRYPTED"
                if (inner.indexOf(':') >= 0 && base64.length() == 0) {
                    if (inner.startsWith("Proc-Type:") && inner.contains("ENCRYPTED")) encrypted = true;
                    continue;
                }
                base64.append(inner);
            }
            if (!ended) {
                throw new IllegalArgumentException("the " + label + " block at line " + beginLine + " has no " + endLine + " line");
            }
            blocks.add(new Block(label, beginLine, encrypted, base64.toString()));
        }
        return blocks;
    }

    /** ": found only …" naming the kinds of block there were, or saying there was no PEM at all. */
    private static String found(List<Block> blocks) {
        if (blocks.isEmpty()) {
            return ": there is no -----BEGIN …----- block (a binary DER file? convert it with"
                    + " `openssl x509 -inform der -in cert.der -out cert.pem`, or for a key `openssl pkey -inform der …`)";
        }
        Set<String> labels = new LinkedHashSet<>();
        for (Block block : blocks) labels.add(block.label());
        return " (found only " + String.join(", ", labels) + ")";
    }

    private static String read(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            // PEM is ASCII; ISO-8859-1 reads any byte, so a binary file fails later with a clear message
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(file + ": permission denied", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read: " + e, e);
        }
    }
}
