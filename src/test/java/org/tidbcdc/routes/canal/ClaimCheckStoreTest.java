package org.tidbcdc.routes.canal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Claim-check records completed from the object TiCDC stored, as TiCDC writes it: {@code {"key":null,"value":"<base64
 * of the record value>"}}, or the value itself with {@code claim-check-raw-value=true}.
 */
class ClaimCheckStoreTest {

    private static final String NAME = "5d7d4b0c-2b9e-4a54-9c3c-0d4c2e1f6a7b.json";

    @TempDir
    Path dir;
    CanalDecoder decoder;

    @BeforeEach
    void decoderReadingTheDirectory() {
        decoder = new CanalDecoder(ClaimCheckStore.of(dir.toString(), 1 << 20), ValueCompression.NONE);
    }

    /** Fixture 10 (the handle key only) pointing at {@code name} under another storage's URI. */
    static byte[] claimCheckRecord(String name) {
        return Fixtures.changed("10", r -> ((ObjectNode) r.get("_tidb"))
                .put("claimCheckLocation", "s3://claim-check-bucket/prefix/" + name));
    }

    void store(String name, byte[] value) throws IOException {
        String wrapped = "{\"key\":null,\"value\":\"" + Base64.getEncoder().encodeToString(value) + "\"}";
        Files.writeString(dir.resolve(name), wrapped, StandardCharsets.UTF_8);
    }

    @Test
    void aClaimCheckRecordBecomesTheStoredChangeUnderItsOwnCoordinatesAndKey() throws IOException {
        store(NAME, Fixtures.bytes("02"));
        ChangeEvent completed = decoder.decode(claimCheckRecord(NAME), Fixtures.SOURCE).events().get(0);
        ChangeEvent direct = new CanalDecoder().decode(Fixtures.bytes("02"), new Source("other", 0, 1)).events().get(0);
        ChangeEvent keyOnly = new CanalDecoder().decode(claimCheckRecord(NAME), Fixtures.SOURCE).events().get(0);

        assertEquals(direct.after(), completed.after());
        assertEquals(6, completed.after().size());
        assertEquals(1, keyOnly.after().size());
        assertEquals(direct.eventKey(), completed.eventKey());
        assertEquals(keyOnly.eventKey(), completed.eventKey());
        assertEquals(Fixtures.SOURCE, completed.source());
        assertEquals("s3://claim-check-bucket/prefix/" + NAME, completed.claimCheckLocation());
        assertFalse(completed.keyOnly());
    }

    @Test
    void aRawValueObjectIsReadAsTheRecordValue() throws IOException {
        Files.write(dir.resolve(NAME), Fixtures.bytes("02"));
        ChangeEvent completed = decoder.decode(claimCheckRecord(NAME), Fixtures.SOURCE).events().get(0);
        assertEquals(6, completed.after().size());
    }

    @Test
    void withoutADirectoryTheRecordKeepsItsHandleKeyOnly() {
        assertFalse(ClaimCheckStore.of(" ", 1).fetches());
        ChangeEvent event = new CanalDecoder(ClaimCheckStore.NONE, ValueCompression.NONE)
                .decode(claimCheckRecord(NAME), Fixtures.SOURCE).events().get(0);
        assertEquals(1, event.after().size());
        assertEquals("s3://claim-check-bucket/prefix/" + NAME, event.claimCheckLocation());
    }

    @Test
    void aMissingObjectInAMountedDirectoryIsPermanent() {
        CanalFormatException e = assertThrows(CanalFormatException.class,
                () -> decoder.decode(claimCheckRecord(NAME), Fixtures.SOURCE));
        assertEquals("claim-check object " + NAME + " of `s3://claim-check-bucket/prefix/" + NAME + "` is not in "
                + "CLAIM_CHECK_DIR " + dir, e.getMessage());
    }

    @Test
    void aDirectoryThatIsGoneIsTransient() throws IOException {
        Files.delete(dir);
        ClaimCheckUnavailableException e = assertThrows(ClaimCheckUnavailableException.class,
                () -> decoder.decode(claimCheckRecord(NAME), Fixtures.SOURCE));
        assertTrue(e.getMessage().contains("not mounted"), e.getMessage());
    }

    @Test
    void aLocationCannotLeadOutOfTheDirectory() throws IOException {
        Files.writeString(dir.getParent().resolve("secret.json"), "{}");
        for (String name : new String[] {"..", ".", "", "${uuid}.json", "a\\..\\secret.json"}) {
            CanalFormatException e = assertThrows(CanalFormatException.class,
                    () -> decoder.decode(claimCheckRecord(name), Fixtures.SOURCE), name);
            assertTrue(e.getMessage().endsWith("does not end in an object name"), e.getMessage());
        }
    }

    @Test
    void aLocationNamingADirectoryIsPermanentNotRetriedForever() throws IOException {
        Files.createDirectory(dir.resolve(NAME));
        CanalFormatException e = assertThrows(CanalFormatException.class,
                () -> decoder.decode(claimCheckRecord(NAME), Fixtures.SOURCE));
        assertEquals("claim-check object " + dir.resolve(NAME) + " is not a file", e.getMessage());
    }

    @Test
    void anObjectOverTheLimitIsPermanentAndNamesTheSetting() throws IOException {
        store(NAME, Fixtures.bytes("02"));
        CanalDecoder small = new CanalDecoder(ClaimCheckStore.of(dir.toString(), 100), ValueCompression.NONE);
        CanalFormatException e = assertThrows(CanalFormatException.class,
                () -> small.decode(claimCheckRecord(NAME), Fixtures.SOURCE));
        assertTrue(e.getMessage().endsWith("more than CLAIM_CHECK_MAX_BYTES (100)"), e.getMessage());
    }

    @Test
    void anObjectHoldingAnotherChangeIsPermanent() throws IOException {
        store(NAME, Fixtures.changed("02", r -> ((ObjectNode) r.get("_tidb"))
                .put("commitTs", 429918007904436227L)));
        CanalFormatException e = assertThrows(CanalFormatException.class,
                () -> decoder.decode(claimCheckRecord(NAME), Fixtures.SOURCE));
        assertEquals("claim-check object of `s3://claim-check-bucket/prefix/" + NAME + "`: it holds _tidb.commitTs"
                + " `429918007904436227`, but the record announced `429918007904436226`", e.getMessage());
    }

    @Test
    void anObjectThatIsNotAStoredValueIsPermanent() throws IOException {
        Files.writeString(dir.resolve(NAME), "{\"key\":null,\"value\":\"not base64!\"}");
        assertTrue(assertThrows(CanalFormatException.class, () -> decoder.decode(claimCheckRecord(NAME),
                Fixtures.SOURCE)).getMessage().contains("is not base64"));
        Files.writeString(dir.resolve(NAME), "PK\u0003\u0004 zipped");
        assertTrue(assertThrows(CanalFormatException.class, () -> decoder.decode(claimCheckRecord(NAME),
                Fixtures.SOURCE)).getMessage().contains("record value is not valid JSON"));
        store(NAME, "{\"id\":0".getBytes(StandardCharsets.UTF_8));
        assertTrue(assertThrows(CanalFormatException.class, () -> decoder.decode(claimCheckRecord(NAME),
                Fixtures.SOURCE)).getMessage().startsWith("claim-check object of `"));
    }

    @Test
    void aDirectoryThatIsNotThereStopsStartupNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClaimCheckStore.of(dir.resolve("missing").toString(), 1));
        assertTrue(e.getMessage().startsWith("CLAIM_CHECK_DIR: " + dir.resolve("missing")), e.getMessage());
    }
}
