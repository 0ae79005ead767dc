package org.tidbcdc.routes.ticdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.apache.camel.support.jsse.SSLContextParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidbcdc.routes.testsupport.TestPki;
import org.tidbcdc.routes.testsupport.TestPki.Client;
import org.tidbcdc.routes.testsupport.TestPki.KeyForm;

class ClusterTlsTest {

    @TempDir
    Path dir;

    @Test
    void withoutACaTheClusterIsSpokenToInPlainHttp() {
        assertThat(ClusterTls.of("", "", "")).isNull();
    }

    @Test
    void keysAreReadInEveryPemFormTiUpCfsslAndOpensslWrite() throws Exception {
        TestPki pki = TestPki.create(dir, "cluster");
        Map<KeyForm, String> headers = Map.of(KeyForm.PKCS1_RSA, "-----BEGIN RSA PRIVATE KEY-----",
                KeyForm.PKCS8_RSA, "-----BEGIN PRIVATE KEY-----", KeyForm.SEC1_EC, "-----BEGIN EC PRIVATE KEY-----");
        for (KeyForm form : KeyForm.values()) {
            Client client = pki.client("cdc-" + form.name().toLowerCase(), form);
            assertThat(Files.readString(client.key())).startsWith(headers.get(form));
            SSLContextParameters tls = ClusterTls.of(pki.caFile().toString(), client.cert().toString(),
                    client.key().toString());
            assertThat(tls.createSSLContext(null).getProtocol()).isEqualTo("TLS");
        }
        // the CA alone: the servers are verified, no certificate is shown
        assertThat(ClusterTls.of(pki.caFile().toString(), "", "")).isNotNull();
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsNamedBeforeAnyHandshake() {
        TestPki pki = TestPki.create(dir, "cluster");
        Client one = pki.client("one", KeyForm.PKCS1_RSA);
        Client other = pki.client("other", KeyForm.PKCS1_RSA);
        assertThatThrownBy(() -> ClusterTls.of(pki.caFile().toString(), one.cert().toString(),
                other.key().toString()))
                .hasMessage("CLUSTER_TLS_KEY " + other.key() + " is not the key of CLUSTER_TLS_CERT " + one.cert());
    }

    @Test
    void halfOfTheSettingsStopStartupNamingWhatIsMissing() {
        TestPki pki = TestPki.create(dir, "cluster");
        Client client = pki.client("cdc", KeyForm.PKCS8_RSA);
        String ca = pki.caFile().toString();
        assertThatThrownBy(() -> ClusterTls.of(ca, client.cert().toString(), ""))
                .hasMessageStartingWith("CLUSTER_TLS_CERT and CLUSTER_TLS_KEY go together");
        assertThatThrownBy(() -> ClusterTls.of("", client.cert().toString(), client.key().toString()))
                .hasMessageStartingWith("CLUSTER_TLS_CERT and CLUSTER_TLS_KEY need CLUSTER_TLS_CA");
    }

    @Test
    void aFileThatIsNotWhatItsSettingSaysIsNamed() throws Exception {
        TestPki pki = TestPki.create(dir, "cluster");
        Client client = pki.client("cdc", KeyForm.SEC1_EC);
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a pem file\n");
        assertThatThrownBy(() -> ClusterTls.of(dir.resolve("missing.pem").toString(), "", ""))
                .hasMessageStartingWith("CLUSTER_TLS_CA: cannot read a PEM certificate from " + dir.resolve("missing.pem"));
        assertThatThrownBy(() -> ClusterTls.of(garbage.toString(), "", ""))
                .hasMessageStartingWith("CLUSTER_TLS_CA: ");
        assertThatThrownBy(() -> ClusterTls.of(pki.caFile().toString(), client.cert().toString(), garbage.toString()))
                .hasMessage("CLUSTER_TLS_KEY: " + garbage + " holds no unencrypted private key");
        // a certificate where the key should be
        assertThatThrownBy(() -> ClusterTls.of(pki.caFile().toString(), client.cert().toString(),
                client.cert().toString()))
                .hasMessageStartingWith("CLUSTER_TLS_KEY: " + client.cert() + " holds no unencrypted private key (found");
    }
}
