package org.tidbcdc.routes.canal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidbcdc.routes.testsupport.CanalRecords;
import org.xerial.snappy.Snappy;

/**
 * Values compressed as TiCDC's large-message-handle-compression writes them (LZ4 frames, Snappy blocks): every record,
 * watermarks and claim-check objects included, decodes as its uncompressed self.
 */
class ValueCompressionTest {

    static byte[] compressed(ValueCompression compression, byte[] value) throws IOException {
        return compression == ValueCompression.LZ4 ? CanalRecords.lz4(value) : Snappy.compress(value);
    }

    static CanalDecoder decoder(ValueCompression compression) {
        return new CanalDecoder(ClaimCheckStore.NONE, compression);
    }

    @Test
    void everyKindOfRecordDecodesAsItsUncompressedSelf() throws IOException {
        for (ValueCompression compression : new ValueCompression[] {ValueCompression.LZ4, ValueCompression.SNAPPY}) {
            for (String fixture : new String[] {"02", "11", "07", "03"}) {
                DecodedRecord plain = new CanalDecoder().decode(Fixtures.bytes(fixture), Fixtures.SOURCE);
                DecodedRecord unpacked = decoder(compression)
                        .decode(compressed(compression, Fixtures.bytes(fixture)), Fixtures.SOURCE);
                assertEquals(plain.watermarkTs(), unpacked.watermarkTs(), compression + " " + fixture);
                assertEquals(plain.events().stream().map(e -> new String(e.jsonBytes())).toList(),
                        unpacked.events().stream().map(e -> new String(e.jsonBytes())).toList());
            }
        }
    }

    @Test
    void aValueThatIsNotCompressedIsPermanentAndNamesTheSetting() {
        for (ValueCompression compression : new ValueCompression[] {ValueCompression.LZ4, ValueCompression.SNAPPY}) {
            CanalFormatException e = assertThrows(CanalFormatException.class,
                    () -> decoder(compression).decode(Fixtures.bytes("02"), Fixtures.SOURCE));
            assertTrue(e.getMessage().startsWith("record value is not " + compression + "-compressed, as"
                    + " CHANGEFEED_LARGE_MESSAGE_COMPRESSION=" + compression.setting() + " says"), e.getMessage());
        }
        assertEquals("record value is null", assertThrows(CanalFormatException.class,
                () -> decoder(ValueCompression.LZ4).decode(null, Fixtures.SOURCE)).getMessage());
    }

    @Test
    void aSmallValueCannotExpandPastTheLimit() {
        // a Snappy block announcing 2 GiB - 1 of output in its first five bytes
        byte[] bomb = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0x00};
        CanalFormatException e = assertThrows(CanalFormatException.class,
                () -> decoder(ValueCompression.SNAPPY).decode(bomb, Fixtures.SOURCE));
        assertTrue(e.getMessage().contains("more than " + ValueCompression.MAX_DECOMPRESSED_BYTES), e.getMessage());
    }

    @Test
    void aCompressedClaimCheckObjectIsReadInBothForms(@TempDir Path dir) throws IOException {
        String name = "5d7d4b0c-2b9e-4a54-9c3c-0d4c2e1f6a7b.json";
        CanalDecoder decoder = new CanalDecoder(ClaimCheckStore.of(dir.toString(), 1 << 20), ValueCompression.LZ4);
        byte[] record = CanalRecords.lz4(ClaimCheckStoreTest.claimCheckRecord(name));
        byte[] stored = CanalRecords.lz4(Fixtures.bytes("02"));

        Files.writeString(dir.resolve(name), "{\"key\":null,\"value\":\"" + Base64.getEncoder().encodeToString(stored)
                + "\"}");
        assertEquals(6, decoder.decode(record, Fixtures.SOURCE).events().get(0).after().size());
        Files.write(dir.resolve(name), stored);
        assertEquals(6, decoder.decode(record, Fixtures.SOURCE).events().get(0).after().size());
    }
}
