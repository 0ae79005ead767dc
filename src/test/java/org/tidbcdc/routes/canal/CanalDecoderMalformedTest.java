package org.tidbcdc.routes.canal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** Records that can never decode fail with CanalFormatException, whose message names what is wrong. */
class CanalDecoderMalformedTest {

    private final CanalDecoder decoder = new CanalDecoder();

    @Test
    void nullValueIsRejected() {
        assertFails(null, "null");
    }

    @Test
    void aTableOrDatabaseNameLongerThanTiDBAllowsIsRejected() {
        assertFails(Fixtures.changed("02", r -> r.put("table", "t".repeat(65))), "longer than 64");
        assertFails(Fixtures.changed("01", r -> r.put("database", "d".repeat(65))), "longer than 64");
    }

    @Test
    void aSixtyFourCharacterNameIsAccepted() {
        assertThat(new CanalDecoder().decode(Fixtures.changed("02", r -> r.put("table", "表".repeat(64))),
                Fixtures.SOURCE).events()).hasSize(1);
    }

    @Test
    void emptyValueIsRejected() {
        assertFails(new byte[0], "no content");
    }

    @Test
    void truncatedJsonIsRejected() {
        byte[] whole = Fixtures.bytes("02");
        assertFails(Arrays.copyOf(whole, whole.length / 2), "not valid JSON");
    }

    @Test
    void invalidUtf8IsRejected() {
        // 0xC3 opens a two-byte sequence, 0x28 cannot continue it
        assertFails(withDatabaseBytes(0xC3, 0x28), "not valid UTF-8");
    }

    @Test
    void overlongUtf8IsRejected() {
        // 0xC0 0xAF is an overlong '/': a lenient reader turns it into a real slash
        assertFails(withDatabaseBytes(0xC0, 0xAF), "not valid UTF-8");
    }

    @Test
    void utf8EncodedSurrogateIsRejected() {
        // 0xED 0xA0 0x80 encodes the UTF-16 surrogate U+D800, which UTF-8 forbids; it would be written as '?'
        assertFails(withDatabaseBytes(0xED, 0xA0, 0x80), "not valid UTF-8");
    }

    /** A record whose database name is exactly these bytes. */
    private static byte[] withDatabaseBytes(int... name) {
        byte[] head = Fixtures.utf8("{\"isDdl\":false,\"type\":\"INSERT\",\"database\":\"");
        byte[] tail = Fixtures.utf8("\"}");
        byte[] value = Arrays.copyOf(head, head.length + name.length + tail.length);
        for (int i = 0; i < name.length; i++) {
            value[head.length + i] = (byte) name[i];
        }
        System.arraycopy(tail, 0, value, head.length + name.length, tail.length);
        return value;
    }

    @Test
    void nestingThreeHundredDeepIsRejected() {
        String deep = "[".repeat(300) + "]".repeat(300);
        assertFails(Fixtures.utf8("{\"isDdl\":false,\"type\":\"INSERT\",\"es\":1,\"data\":" + deep + "}"),
                "nesting depth");
    }

    @Test
    void nonObjectRootIsRejected() {
        assertFails(Fixtures.utf8("[1,2]"), "ARRAY");
    }

    @Test
    void trailingContentIsRejected() {
        assertFails(Fixtures.utf8(new String(Fixtures.bytes("02")) + " {}"), "not valid JSON");
    }

    @Test
    void dataThatIsNotAnArrayIsRejected() {
        assertFails(change("02", r -> r.put("data", "x")), "`data` must be an array");
    }

    @Test
    void missingDataIsRejected() {
        assertFails(change("02", r -> r.remove("data")), "`data`");
    }

    @Test
    void emptyDataIsRejected() {
        assertFails(change("02", r -> r.putArray("data")), "`data` of a INSERT record is empty");
    }

    @Test
    void rowThatIsNotAnObjectIsRejected() {
        assertFails(change("02", r -> r.putArray("data").add("x")), "`data[0]` must be an object");
    }

    @Test
    void unknownDmlTypeIsRejected() {
        assertFails(change("02", r -> r.put("type", "UPSERT")), "UPSERT");
    }

    @Test
    void unknownDdlTypeIsRejected() {
        assertFails(change("01", r -> r.put("type", "GTID")), "GTID");
    }

    @Test
    void isDdlThatIsNotBooleanIsRejected() {
        assertFails(change("02", r -> r.put("isDdl", "false")), "`isDdl` must be a boolean");
    }

    @Test
    void missingEsIsRejected() {
        assertFails(change("02", r -> r.remove("es")), "`es`");
    }

    @Test
    void esThatIsNotANumberIsRejected() {
        assertFails(change("02", r -> r.put("es", "1639633141221")), "`es` must be a 64-bit integer");
    }

    @Test
    void esOutsideATsosPhysicalTimeIsRejected() {
        // such a record could never be stored (DATETIME ends at 9999) and would block its partition for good
        assertFails(change("02", r -> r.put("es", 1L << 46)), "`es` is not a TSO's physical time");
        assertFails(change("02", r -> r.put("es", -1)), "`es` is not a TSO's physical time");
        assertFails(change("03", r -> r.put("es", Long.MAX_VALUE)), "`es`");
        assertFails(change("01", r -> r.put("es", 253402300800000L)), "`es`");
    }

    @Test
    void namesAreMeasuredInCharactersNotUtf16Units() {
        String longest = "\uD83D\uDE42".repeat(64);
        assertEquals(longest, new CanalDecoder().decode(change("02", r -> r.put("table", longest)), Fixtures.SOURCE)
                .events().get(0).table());
        assertFails(change("02", r -> r.put("database", "\uD83D\uDE42".repeat(65))), "`database` is longer than 64");
    }

    @Test
    void claimCheckLocationLongerThanTheAuditTableHoldsIsRejected() {
        assertFails(change("10", r -> ((ObjectNode) r.get("_tidb")).put("claimCheckLocation",
                "s3://bucket/" + "x".repeat(1024))), "`_tidb.claimCheckLocation` is longer than 1024");
    }

    @Test
    void tidbThatIsNotAnObjectIsRejected() {
        assertFails(change("02", r -> r.put("_tidb", 5)), "`_tidb` must be an object");
    }

    @Test
    void commitTsThatIsNotAnUnsignedIntegerIsRejected() {
        assertFails(change("02", r -> ((ObjectNode) r.get("_tidb")).put("commitTs", -1)), "_tidb.commitTs");
        assertFails(change("02", r -> ((ObjectNode) r.get("_tidb")).put("commitTs", "429918007904436226")),
                "_tidb.commitTs");
    }

    @Test
    void watermarkWithoutTsIsRejected() {
        assertFails(change("03", r -> r.remove("_tidb")), "watermarkTs");
    }

    @Test
    void numberInsteadOfStringValueIsRejected() {
        assertFails(change("02", r -> ((ObjectNode) r.get("data").get(0)).put("c_int", 5)),
                "`data[0].c_int` must be a string or null, got NUMBER");
    }

    @Test
    void objectInsteadOfStringValueIsRejected() {
        assertFails(change("02", r -> ((ObjectNode) r.get("data").get(0)).putObject("c_int")), "data[0].c_int");
    }

    @Test
    void textInIntColumnIsRejected() {
        assertFails(withValue("02", "c_int", "abc"),
                "`data[0].c_int`: value \"abc\" does not fit int");
    }

    @Test
    void integerOutOfItsTypeRangeIsRejected() {
        assertFails(withValue("02", "c_tinyint", "128"), "c_tinyint");
    }

    @Test
    void enumIndexBeyondItsDefinitionIsRejected() {
        assertFails(withValue("16", "i", "4"), "data[0].i");
    }

    @Test
    void setBitsBeyondItsDefinitionIsRejected() {
        assertFails(withValue("16", "j", "8"), "data[0].j");
    }

    @Test
    void binaryTextWithCharAboveLatin1IsRejected() {
        assertFails(withValue("16", "g", "ab\u4e2d"), "U+4E2D");
    }

    @Test
    void invalidJsonInJsonColumnIsRejected() {
        assertFails(withValue("16", "p", "{\"a\":"), "data[0].p");
    }

    @Test
    void nonNumberInDecimalOrFloatColumnIsRejected() {
        assertFails(withValue("16", "d", "12,5"), "data[0].d");
        assertFails(withValue("16", "s", "NaN"), "data[0].s");
    }

    @Test
    void invalidValueInOldRowIsRejected() {
        assertFails(change("11", r -> ((ObjectNode) r.get("old").get(0)).put("c_int", "x")), "old[0].c_int");
    }

    @Test
    void oldAndDataOfDifferentLengthsAreRejected() {
        assertFails(change("11", r -> r.withArray("old").addObject()), "`old` has 2 row(s) but `data` has 1");
    }

    @Test
    void updateWithoutOldIsRejected() {
        assertFails(change("11", r -> r.putNull("old")), "`old` must be an array");
    }

    @Test
    void mysqlTypeEntryThatIsNotAStringIsRejected() {
        assertFails(change("02", r -> ((ObjectNode) r.get("mysqlType")).put("c_int", 4)), "mysqlType.c_int");
    }

    @Test
    void primaryKeyColumnMissingFromTheRowIsRejected() {
        assertFails(change("02", r -> ((ObjectNode) r.get("data").get(0)).remove("id")), "`id`");
    }

    @Test
    void pkNamesThatAreNotStringsAreRejected() {
        assertFails(change("02", r -> r.putArray("pkNames").add(1)), "pkNames[0]");
    }

    /** The fixture with one column of its first row set to {@code raw}. */
    private static byte[] withValue(String fixture, String column, String raw) {
        return change(fixture, r -> ((ObjectNode) r.get("data").get(0)).put(column, raw));
    }

    private static byte[] change(String fixture, Consumer<ObjectNode> change) {
        return Fixtures.changed(fixture, change);
    }

    private void assertFails(byte[] value, String messagePart) {
        CanalFormatException e = assertThrows(CanalFormatException.class, () -> decoder.decode(value, Fixtures.SOURCE));
        assertTrue(e.getMessage().contains(messagePart),
                () -> "message \"" + e.getMessage() + "\" lacks " + messagePart);
    }
}
