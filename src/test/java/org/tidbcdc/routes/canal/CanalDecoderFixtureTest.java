package org.tidbcdc.routes.canal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each fixture copied from TiCDC's docs, tests and encoder rules decodes to the values its source documents. */
class CanalDecoderFixtureTest {

    static List<String> fixtureNames() {
        return Fixtures.names();
    }

    @ParameterizedTest
    @MethodSource("fixtureNames")
    void everyFixtureDecodesAndRendersValidJson(String name) throws Exception {
        DecodedRecord record = Fixtures.decode(name.substring(0, 2));
        assertTrue(record.isWatermark() || !record.events().isEmpty(), name);
        for (ChangeEvent event : record.events()) {
            JsonNode json = CanalJson.MAPPER.readTree(event.json());
            assertEquals(event.op().name(), json.get("op").textValue());
            assertTrue(event.eventKey().matches("[0-9a-f]{64}"), event.eventKey());
            assertEquals(Fixtures.SOURCE, event.source());
        }
    }

    @Test
    void dropDatabaseIsSchemaLevelQueryDdl() {
        ChangeEvent ddl = Fixtures.only("01");
        assertEquals(Op.DDL, ddl.op());
        assertEquals("QUERY", ddl.ddlType());
        assertEquals("test", ddl.database());
        assertEquals("", ddl.table());
        assertEquals("drop database if exists test", ddl.sql());
        assertEquals("429918007904436226", ddl.commitTs());
        assertEquals(1639633094670L, ddl.commitMillis());
        assertNull(ddl.pk());
        assertNull(ddl.before());
        assertNull(ddl.after());
        assertNull(ddl.changedColumns());
        assertEquals(Fixtures.sha256Hex(
                "[\"test\",\"\",\"DDL\",\"429918007904436226\",\"drop database if exists test\"]"), ddl.eventKey());
    }

    @Test
    void insertTypesIntegerColumnsAsNumbers() {
        ChangeEvent insert = Fixtures.only("02");
        assertEquals(Op.INSERT, insert.op());
        assertNull(insert.ddlType());
        assertNull(insert.before());
        assertNull(insert.changedColumns());
        ObjectNode after = insert.after();
        assertEquals("{\"c_bigint\":9223372036854775807,\"c_int\":2147483647,\"c_mediumint\":8388607,"
                + "\"c_smallint\":32767,\"c_tinyint\":127,\"id\":2}", after.toString());
        assertTrue(after.get("c_bigint").isIntegralNumber());
        assertEquals(Long.MAX_VALUE, after.get("c_bigint").longValue());
        assertEquals("{\"id\":2}", insert.pk().toString());
        assertEquals("429918007904436226", insert.commitTs());
        assertEquals(1639633141221L, insert.commitMillis());
        assertFalse(insert.keyOnly());
        assertNull(insert.claimCheckLocation());
        assertEquals(Fixtures.sha256Hex("[\"test\",\"tp_int\",\"INSERT\",\"429918007904436226\",{\"id\":2}]"),
                insert.eventKey());
    }

    @Test
    void watermarkHasNoEventsAndCarriesItsTso() {
        DecodedRecord record = Fixtures.decode("03");
        assertTrue(record.isWatermark());
        assertTrue(record.events().isEmpty());
        assertEquals(429918007904436226L, record.watermarkTs());
    }

    @Test
    void recordsWithoutTidbExtensionHaveNoCommitTsAndFallBackToKafkaKey() {
        String offsetKey = Fixtures.sha256Hex("[\"kafka\",\"cdc\",3,42,0]");
        for (String fixture : List.of("04", "05", "06")) {
            ChangeEvent event = Fixtures.only(fixture);
            assertNull(event.commitTs(), fixture);
            assertEquals(offsetKey, event.eventKey(), fixture);
        }
    }

    @Test
    void insertWithoutExtensionKeepsDatesAndTextAsSent() {
        ChangeEvent insert = Fixtures.only("04");
        assertEquals("{\"FirstName\":\"Bob\",\"HireDate\":\"2014-06-04\",\"LastName\":\"Smith\","
                + "\"OfficeLocation\":\"New York\",\"id\":101}", insert.after().toString());
        assertEquals(1668067205238L, insert.commitMillis());
    }

    @Test
    void updateWithFullOldListsOnlyChangedColumns() {
        ChangeEvent update = Fixtures.only("05");
        assertEquals(Op.UPDATE, update.op());
        assertEquals(List.of("HireDate", "OfficeLocation"), update.changedColumns());
        assertEquals("2014-06-04", update.before().get("HireDate").textValue());
        assertEquals("New York", update.before().get("OfficeLocation").textValue());
        assertEquals("2015-10-08", update.after().get("HireDate").textValue());
        assertEquals("Los Angeles", update.after().get("OfficeLocation").textValue());
        assertEquals("{\"id\":101}", update.pk().toString());
    }

    @Test
    void deleteCarriesThePreImageFromData() {
        ChangeEvent delete = Fixtures.only("06");
        assertEquals(Op.DELETE, delete.op());
        assertNull(delete.after());
        assertNull(delete.changedColumns());
        assertEquals("Los Angeles", delete.before().get("OfficeLocation").textValue());
        assertEquals("{\"id\":101}", delete.pk().toString());
    }

    @Test
    void createTableDdlWithExtension() {
        ChangeEvent ddl = Fixtures.only("07");
        assertEquals(Op.DDL, ddl.op());
        assertEquals("CREATE", ddl.ddlType());
        assertEquals("cdc", ddl.database());
        assertEquals("person", ddl.table());
        assertTrue(ddl.sql().startsWith("create table person("), ddl.sql());
        assertEquals("417318403368288260", ddl.commitTs());
    }

    @Test
    void handleKeyOnlyRecordIsMarkedKeyOnly() {
        ChangeEvent insert = Fixtures.only("09");
        assertTrue(insert.keyOnly());
        assertEquals("{\"id\":2}", insert.after().toString());
        assertNull(insert.claimCheckLocation());
    }

    @Test
    void claimCheckRecordCarriesItsLocation() {
        ChangeEvent insert = Fixtures.only("10");
        assertEquals("s3:/claim-check-bucket/${uuid}.json", insert.claimCheckLocation());
        assertFalse(insert.keyOnly());
    }

    @Test
    void updateTypesBothImages() {
        ChangeEvent update = Fixtures.only("11");
        assertEquals(127, update.before().get("c_tinyint").intValue());
        assertEquals(0, update.after().get("c_tinyint").intValue());
        assertEquals(2147483647, update.before().get("c_int").intValue());
        assertEquals(0, update.after().get("c_int").intValue());
        assertEquals(List.of("c_tinyint", "c_int"), update.changedColumns());
        assertEquals(List.of("id", "c_tinyint", "c_smallint", "c_mediumint", "c_int", "c_bigint"),
                fieldNames(update.before()));
        assertEquals("455000614534643715", update.commitTs());
    }

    @Test
    void allTypesDecodeToTheirJsonForms() throws Exception {
        ObjectNode row = Fixtures.only("13").after();
        assertEquals(new BigInteger("9223372036854775808"), row.get("biu2").bigIntegerValue());
        assertTrue(row.get("biu2").isBigInteger());
        assertEquals(128, row.get("tu2").intValue());
        assertEquals(2147483648L, row.get("iu2").longValue());
        assertTrue(row.get("tu4").isNull());
        assertTrue(row.get("biu4").isNull());
        assertTrue(row.get("floatT").isNumber());
        assertEquals("3.14", row.get("floatT").decimalValue().toPlainString());
        assertEquals("2333.654321", row.get("decimalT").textValue());
        assertEquals("测试Varchar", row.get("varcharT").textValue());
        assertEquals("测试text", row.get("textT").textValue());

        byte[] binary = Base64.getDecoder().decode(row.get("binaryT").textValue());
        assertEquals(255, binary.length);
        assertEquals("测试Binary", new String(binary, 0, 12, StandardCharsets.UTF_8));
        assertArrayEquals(new byte[255 - 12], Arrays.copyOfRange(binary, 12, 255));
        assertEquals("测试varbinary", utf8OfBase64(row.get("varbinaryT")));
        assertEquals("测试longblob", utf8OfBase64(row.get("longblobT")));

        assertEquals(1, row.get("enumT").intValue());
        assertTrue(row.get("enumT").isNumber());
        assertEquals(2, row.get("setT").intValue());
        assertEquals(65, row.get("bitT").intValue());
        assertEquals("[1,2,3,4,5]", row.get("vectorT").textValue());
        assertTrue(row.get("jsonT").isObject());
        assertEquals("value1", row.get("jsonT").get("key1").textValue());
        assertEquals("2024-03-11 08:51:01.461270", row.get("timestampT2").textValue());
        assertEquals("02:20:20", row.get("timeT").textValue());
        assertEquals("2020", row.get("yearT").textValue());
        assertEquals("{\"tu1\":127}", Fixtures.only("13").pk().toString());

        String json = Fixtures.only("13").json();
        assertTrue(json.contains("\"biu2\":9223372036854775808"), json);
        assertTrue(json.contains("\"floatT\":3.14"), json);
    }

    @Test
    void contentCompatibleTypesUseTheirDefinitions() {
        ObjectNode row = Fixtures.only("16").after();
        assertEquals(1, row.get("a").intValue());
        assertEquals(-1, row.get("b").intValue());
        assertEquals(255, row.get("c").intValue());
        assertEquals("123.45", row.get("d").textValue());
        assertEquals("hello <world> & \"friends\"", row.get("e").textValue());
        assertEquals("YWJjAAAAAAAAAA==", row.get("g").textValue());
        assertEquals("BQcKDyQyK2N4PCb//i03Rg==", row.get("h").textValue());
        assertEquals("c", row.get("i").textValue());
        assertEquals("a,b", row.get("j").textValue());
        assertEquals(5, row.get("k").intValue());
        assertEquals("-838:59:59.000", row.get("n").textValue());
        assertEquals("2155", row.get("o").textValue());
        assertTrue(row.get("p").isArray());
        assertEquals("[1,\"a\",{\"b\":null}]", row.get("p").toString());
        assertEquals("line1\nline2\ttab", row.get("q").textValue());
        assertTrue(row.get("r").isNull());
        assertEquals("1.5", row.get("s").decimalValue().toPlainString());
        assertEquals("-0.001", row.get("t").decimalValue().toPlainString());
    }

    @Test
    void alterTableDdlKeepsUnescapedSql() {
        ChangeEvent ddl = Fixtures.only("18");
        assertEquals("ALTER", ddl.ddlType());
        assertEquals("tp_int", ddl.table());
        assertEquals("ALTER TABLE `tp_int` ADD COLUMN `c_note` VARCHAR(64) DEFAULT '<none>'", ddl.sql());
        assertEquals("455000693145600004", ddl.commitTs());
    }

    @Test
    void splitPrimaryKeyUpdateIsDeleteThenInsertWithSameCommitTsAndDistinctKeys() {
        ChangeEvent delete = Fixtures.only("21");
        ChangeEvent insert = Fixtures.only("22");
        assertEquals(Op.DELETE, delete.op());
        assertEquals(Op.INSERT, insert.op());
        assertEquals(delete.commitTs(), insert.commitTs());
        assertEquals("{\"a\":1}", delete.pk().toString());
        assertEquals("{\"a\":2}", insert.pk().toString());
        assertNotEquals(delete.eventKey(), insert.eventKey());
    }

    private static String utf8OfBase64(JsonNode node) {
        return new String(Base64.getDecoder().decode(node.textValue()), StandardCharsets.UTF_8);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
