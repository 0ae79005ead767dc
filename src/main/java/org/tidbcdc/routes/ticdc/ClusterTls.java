package org.tidbcdc.routes.ticdc;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.apache.camel.CamelContext;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * TLS to PD, TiDB's status port and TiCDC, for a cluster that runs with TLS between its components (their
 * {@code [security]} CA, certificate and key): their HTTP APIs then answer over https only, and only to a client whose
 * certificate their CA signed. Built from the PEM files TiUP and tidb-operator hand out: the CA certificate, and the
 * client certificate with its key (PKCS#1, SEC1 or PKCS#8, unencrypted). The server's certificate must name the host of
 * PD_URL, TIDB_STATUS_URL and TICDC_URL.
 */
final class ClusterTls {

    private static final char[] IN_MEMORY = "cluster-tls".toCharArray();

    private ClusterTls() {
    }

    /**
     * The TLS settings for camel-http, or null when CLUSTER_TLS_CA is empty (plain http). A certificate without its key,
     * or either without the CA, and files that are not what they should be stop startup naming the setting.
     */
    static SSLContextParameters of(String ca, String cert, String key) {
        boolean hasCa = !ca.isBlank();
        boolean hasCert = !cert.isBlank();
        boolean hasKey = !key.isBlank();
        if (!hasCa) {
            if (hasCert || hasKey) {
                throw new IllegalArgumentException("CLUSTER_TLS_CERT and CLUSTER_TLS_KEY need CLUSTER_TLS_CA, the CA"
                        + " that signed the cluster's certificates");
            }
            return null;
        }
        if (hasCert != hasKey) {
            throw new IllegalArgumentException("CLUSTER_TLS_CERT and CLUSTER_TLS_KEY go together: the client"
                    + " certificate and its private key");
        }
        try {
            KeyStore trusted = emptyStore();
            int n = 0;
            for (Certificate c : certificates("CLUSTER_TLS_CA", Path.of(ca))) {
                trusted.setCertificateEntry("ca-" + n++, c);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            KeyManager[] keys = hasCert ? clientKeys(Path.of(cert), Path.of(key)) : null;
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust.getTrustManagers(), null);
            return new Prepared(context);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("CLUSTER_TLS_*: cannot build TLS from the files given: " + e, e);
        }
    }

    private static KeyManager[] clientKeys(Path cert, Path key) throws GeneralSecurityException, IOException {
        List<Certificate> chain = certificates("CLUSTER_TLS_CERT", cert);
        PrivateKey privateKey = privateKey(key);
        if (!belongTogether(privateKey, chain.get(0))) {
            throw new IllegalArgumentException("CLUSTER_TLS_KEY " + key + " is not the key of CLUSTER_TLS_CERT " + cert);
        }
        KeyStore store = emptyStore();
        store.setKeyEntry("client", privateKey, IN_MEMORY, chain.toArray(new Certificate[0]));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, IN_MEMORY);
        return factory.getKeyManagers();
    }

    private static List<Certificate> certificates(String setting, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<Certificate> found = new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (found.isEmpty()) {
                throw new IllegalArgumentException(setting + ": no certificate in " + file);
            }
            return found;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(setting + ": cannot read a PEM certificate from " + file + ": " + e, e);
        }
    }

    private static PrivateKey privateKey(Path file) {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(in)) {
            Object read = pem.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (read instanceof PEMKeyPair pair) { // "RSA PRIVATE KEY" (PKCS#1), "EC PRIVATE KEY" (SEC1)
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (read instanceof PrivateKeyInfo info) { // "PRIVATE KEY" (PKCS#8)
                return converter.getPrivateKey(info);
            }
            throw new IllegalArgumentException("CLUSTER_TLS_KEY: " + file + " holds no unencrypted private key"
                    + (read == null ? "" : " (found " + read.getClass().getSimpleName() + ")"));
        } catch (IOException e) {
            throw new IllegalArgumentException("CLUSTER_TLS_KEY: cannot read a PEM key from " + file + ": " + e, e);
        }
    }

    /** A key that is not the certificate's makes every handshake fail with a vague alert; said here instead. */
    private static boolean belongTogether(PrivateKey key, Certificate cert) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> null;
        };
        if (algorithm == null) {
            return true; // the handshake tells
        }
        byte[] probe = "cluster-tls".getBytes(StandardCharsets.US_ASCII);
        Signature sign = Signature.getInstance(algorithm);
        sign.initSign(key);
        sign.update(probe);
        byte[] signature = sign.sign();
        Signature verify = Signature.getInstance(algorithm);
        verify.initVerify(cert.getPublicKey());
        verify.update(probe);
        return verify.verify(signature);
    }

    private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        return store;
    }

    /** camel-http asks its SSLContextParameters for a context; this one is built already. */
    private static final class Prepared extends SSLContextParameters {
        private final SSLContext context;

        Prepared(SSLContext context) {
            this.context = context;
        }

        @Override
        public SSLContext createSSLContext(CamelContext camelContext) {
            return context;
        }
    }
}
