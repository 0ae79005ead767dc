package org.tidbcdc.routes.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A certificate authority made for one test, as a TiDB cluster with TLS has one: it writes its certificate and the
 * client certificates it signs as PEM files, as TiUP does, and gives a server the TLS context of a component whose
 * certificate names 127.0.0.1 and that asks every client for a certificate of this CA.
 */
public final class TestPki {

    /** How a private key is written: the PEM forms that TiUP, cfssl and openssl produce. */
    public enum KeyForm {
        /** "RSA PRIVATE KEY". */
        PKCS1_RSA,
        /** "PRIVATE KEY". */
        PKCS8_RSA,
        /** "EC PRIVATE KEY". */
        SEC1_EC
    }

    /** A client certificate and its key, as files. */
    public record Client(Path cert, Path key) {
    }

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static final String PASSWORD = "test";

    private final Path dir;
    private final String name;
    private final KeyPair keys;
    private final X509Certificate certificate;

    private TestPki(Path dir, String name, KeyPair keys, X509Certificate certificate) {
        this.dir = dir;
        this.name = name;
        this.keys = keys;
        this.certificate = certificate;
    }

    public static TestPki create(Path dir, String name) {
        KeyPair keys = rsa();
        X500Name subject = new X500Name("CN=" + name);
        JcaX509v3CertificateBuilder builder = builder(subject, subject, keys, aDayFromNow());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        TestPki pki = new TestPki(dir, name, keys, sign(builder, keys.getPrivate()));
        pki.write(pki.caFile(), pki.certificate);
        return pki;
    }

    public Path caFile() {
        return dir.resolve(name + "-ca.pem");
    }

    /** A client certificate this CA signed, and its key in the given form. */
    public Client client(String cn, KeyForm form) {
        KeyPair pair = form == KeyForm.SEC1_EC ? ec() : rsa();
        X509Certificate cert = issue(cn, pair, KeyPurposeId.id_kp_clientAuth, aDayFromNow());
        Client files = new Client(dir.resolve(cn + ".pem"), dir.resolve(cn + "-key.pem"));
        write(files.cert(), cert);
        write(files.key(), switch (form) {
            case PKCS1_RSA -> pair.getPrivate();
            case PKCS8_RSA -> pkcs8(pair.getPrivate());
            case SEC1_EC -> sec1(pair);
        });
        return files;
    }

    /** The TLS of a component: its certificate names 127.0.0.1 and localhost; a client must show one of this CA. */
    public SSLContext server() {
        try {
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keyStore("PKCS12", "pd", KeyPurposeId.id_kp_serverAuth, PASSWORD, aDayFromNow()),
                    PASSWORD.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A certificate this CA signed for {@code cn} (naming 127.0.0.1 and localhost) with its key, in a keystore file of
     * the given type (PKCS12 as Strimzi writes its users', or JKS as keytool does), the key under its own password.
     */
    public Path keyStoreFile(String type, String cn, boolean server, String storePassword, String keyPassword) {
        return keyStoreFile(type, cn, server, storePassword, keyPassword, aDayFromNow());
    }

    /** The same, with a certificate that expires at {@code notAfter}: one that a renewal is due to replace. */
    public Path keyStoreFile(String type, String cn, boolean server, String storePassword, String keyPassword,
            Instant notAfter) {
        Path file = dir.resolve(cn + "." + type.toLowerCase(Locale.ROOT));
        store(keyStore(type, cn, server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth,
                keyPassword, notAfter), file, storePassword);
        return file;
    }

    /** This CA's certificate in a PKCS12 truststore file (the PEM form is {@link #caFile()}). */
    public Path trustStoreFile(String password) {
        Path file = dir.resolve(name + "-ca.p12");
        store(trustStore(), file, password);
        return file;
    }

    private KeyStore keyStore(String type, String cn, KeyPurposeId purpose, String keyPassword, Instant notAfter) {
        KeyPair pair = rsa();
        X509Certificate cert = issue(cn, pair, purpose, notAfter);
        try {
            KeyStore own = KeyStore.getInstance(type);
            own.load(null, null);
            own.setKeyEntry(cn, pair.getPrivate(), keyPassword.toCharArray(), new Certificate[] {cert, certificate});
            return own;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private KeyStore trustStore() {
        try {
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("ca", certificate);
            return trusted;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void store(KeyStore store, Path file, String password) {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private X509Certificate issue(String cn, KeyPair pair, KeyPurposeId purpose, Instant notAfter) {
        JcaX509v3CertificateBuilder builder = builder(new X500Name("CN=" + name), new X500Name("CN=" + cn), pair,
                notAfter);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return sign(builder, keys.getPrivate());
    }

    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair pair,
            Instant notAfter) {
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(Instant.now().minus(Duration.ofHours(1))), Date.from(notAfter), subject, pair.getPublic());
    }

    private static Instant aDayFromNow() {
        return Instant.now().plus(Duration.ofDays(1));
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object pkcs8(PrivateKey key) {
        try {
            return new JcaPKCS8Generator(key, null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** As openssl writes it: the curve's name and the public key inside ({@code JcaPEMWriter} leaves both out). */
    private static PemObject sec1(KeyPair pair) {
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded());
            ASN1ObjectIdentifier curve = ASN1ObjectIdentifier.getInstance(info.getPrivateKeyAlgorithm().getParameters());
            SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded());
            ECPrivateKey key = new ECPrivateKey(256, ((java.security.interfaces.ECPrivateKey) pair.getPrivate()).getS(),
                    publicKey.getPublicKeyData(), curve);
            return new PemObject("EC PRIVATE KEY", key.getEncoded());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ec() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void write(Path file, Object pemObject) {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
             JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(pemObject);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
