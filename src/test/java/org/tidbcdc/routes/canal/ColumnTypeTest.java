package org.tidbcdc.routes.canal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** mysqlType strings parse to the right kind, and values convert to (or are rejected by) that kind. */
class ColumnTypeTest {

    @Test
    void unsignedZerofillIntParsesAsUnsignedThirtyTwoBits() {
        ColumnType type = ColumnType.of("int(11) unsigned zerofill");
        assertEquals(ColumnType.Kind.INTEGER, type.kind());
        assertEquals(32, type.bits());
        assertTrue(type.unsigned());
    }

    @ParameterizedTest
    @CsvSource({"tinyint,8", "bool,8", "boolean,8", "tinyint(1),8", "smallint,16", "mediumint,24", "int,32",
        "integer,32", "bigint,64", "bigint(20) unsigned,64", "INT UNSIGNED,32"})
    void integerTypesAndAliasesKnowTheirWidth(String mysqlType, int bits) {
        ColumnType type = ColumnType.of(mysqlType);
        assertEquals(ColumnType.Kind.INTEGER, type.kind());
        assertEquals(bits, type.bits());
    }

    @ParameterizedTest
    @ValueSource(strings = {"binary", "binary(10)", "varbinary", "varbinary(23)", "tinyblob", "blob", "mediumblob",
        "longblob"})
    void binaryAndBlobTypesAreBinary(String mysqlType) {
        assertEquals(ColumnType.Kind.BINARY, ColumnType.of(mysqlType).kind());
    }

    @ParameterizedTest
    @ValueSource(strings = {"vector", "geometry", "date", "datetime(3)", "timestamp", "time(3)", "year(4)", "char(1)",
        "varchar(123)", "text", "longtext", "", "int(11", "enum('a'"})
    void otherAndUnknownTypesKeepTheString(String mysqlType) {
        ColumnType type = ColumnType.of(mysqlType);
        assertEquals(ColumnType.Kind.TEXT, type.kind());
        TextNode raw = TextNode.valueOf("anything 1");
        assertSame(raw, type.toJson(raw));
    }

    @Test
    void enumMemberNamedBinaryIsStillAnEnum() {
        assertEquals(ColumnType.Kind.ENUM, ColumnType.of("enum('binary','blob')").kind());
    }

    @Test
    void enumMembersUndoTidbQuoting() {
        ColumnType type = ColumnType.of("enum('it''s','a,b','x) y','C:\\dir','two\\nlines', 'spaced' )");
        assertEquals(List.of("it's", "a,b", "x) y", "C:\\dir", "two\nlines", "spaced"), type.labels());
    }

    @Test
    void setMembersParse() {
        ColumnType type = ColumnType.of("set('a','b','c')");
        assertEquals(ColumnType.Kind.SET, type.kind());
        assertEquals(List.of("a", "b", "c"), type.labels());
    }

    @Test
    void enumAndSetWithoutDefinitionHaveNoLabels() {
        assertNull(ColumnType.of("enum").labels());
        assertNull(ColumnType.of("set").labels());
    }

    @Test
    void parsedTypesAreCached() {
        assertSame(ColumnType.of("decimal(10,4)"), ColumnType.of("decimal(10,4)"));
    }

    @Test
    void integersBecomeNumbersWithinTheirRange() {
        assertEquals(-128, value("tinyint", "-128").intValue());
        assertEquals(255, value("tinyint unsigned", "255").intValue());
        assertEquals(16777215, value("mediumint unsigned", "16777215").intValue());
        assertEquals(4294967295L, value("int unsigned", "4294967295").longValue());
        assertEquals(Long.MIN_VALUE, value("bigint", "-9223372036854775808").longValue());
        assertEquals(7, value("int(10) unsigned zerofill", "7").intValue());
    }

    @Test
    void unsignedBigintBeyondLongStaysExact() {
        JsonNode max = value("bigint unsigned", "18446744073709551615");
        assertTrue(max.isBigInteger());
        assertEquals(new BigInteger("18446744073709551615"), max.bigIntegerValue());
    }

    @ParameterizedTest
    @CsvSource({"tinyint,128", "tinyint,-129", "tinyint unsigned,256", "tinyint unsigned,-1", "smallint,32768",
        "int unsigned,4294967296", "bigint,9223372036854775808", "bigint unsigned,18446744073709551616",
        "int,abc", "int,1.5", "int,' 1'", "int,''"})
    void integersOutsideTheirTypeAreRejected(String mysqlType, String raw) {
        assertRejected(mysqlType, raw);
    }

    @Test
    void bitIsAnUnsignedNumberWithinItsWidth() {
        assertEquals(5, value("bit(3)", "5").intValue());
        assertEquals(new BigInteger("18446744073709551615"), value("bit", "18446744073709551615").bigIntegerValue());
        assertRejected("bit(3)", "8");
    }

    @Test
    void decimalKeepsTheExactString() {
        JsonNode d = value("decimal(10,4)", "123.4560");
        assertTrue(d.isTextual());
        assertEquals("123.4560", d.textValue());
        assertRejected("decimal", "12a");
    }

    @Test
    void floatAndDoubleBecomeExactNumbers() {
        assertEquals("3.14", value("float", "3.14").toString());
        assertEquals("100000000000000000000", value("double", "100000000000000000000").toString());
        assertEquals("1.50", value("real", "1.50").toString());
        assertRejected("double", "Infinity");
    }

    @Test
    void jsonIsParsedKeepingNumbersAsSent() {
        JsonNode doc = value("json", "{\"key1\": \"value1\", \"n\": 1.50}");
        assertEquals("{\"key1\":\"value1\",\"n\":1.50}", doc.toString());
        assertRejected("json", "");
        assertRejected("json", "{\"a\":1} trailing");
    }

    @Test
    void binaryBecomesBase64OfLatin1Bytes() {
        assertEquals("AP9h", value("varbinary", "\u0000\u00ffa").textValue());
        assertEquals("", value("blob", "").textValue());
        assertRejected("blob", "\u0100");
    }

    @Test
    void enumWithDefinitionGivesTheLabelAndMysqlsEmptyErrorMember() {
        assertEquals("a", value("enum('a','b','c')", "1").textValue());
        assertEquals("c", value("enum('a','b','c')", "3").textValue());
        assertEquals("", value("enum('a','b','c')", "0").textValue());
        assertRejected("enum('a','b','c')", "4");
        assertRejected("enum('a','b','c')", "-1");
    }

    @Test
    void enumWithoutDefinitionGivesTheIndex() {
        JsonNode index = value("enum", "3");
        assertTrue(index.isNumber());
        assertEquals(3, index.intValue());
        assertRejected("enum", "x");
    }

    @Test
    void setWithDefinitionJoinsLabelsInDefinitionOrder() {
        assertEquals("a,b", value("set('a','b','c')", "3").textValue());
        assertEquals("a,c", value("set('a','b','c')", "5").textValue());
        assertEquals("", value("set('a','b','c')", "0").textValue());
        assertRejected("set('a','b','c')", "8");
    }

    @Test
    void setWithoutDefinitionGivesTheBitmask() {
        assertEquals(2, value("set", "2").intValue());
    }

    @Test
    void rejectionNamesTheValueAndTheType() {
        CanalFormatException e = assertThrows(CanalFormatException.class, () -> value("int(11)", "abc"));
        assertEquals("value \"abc\" does not fit int(11): not a number of this type", e.getMessage());
    }

    @Test
    void rejectionShortensHugeValues() {
        CanalFormatException e = assertThrows(CanalFormatException.class, () -> value("int", "9".repeat(10_000)));
        assertTrue(e.getMessage().contains("9".repeat(64) + "..."), e.getMessage());
        assertFalse(e.getMessage().contains("9".repeat(65)));
    }

    private static JsonNode value(String mysqlType, String raw) {
        return ColumnType.of(mysqlType).toJson(TextNode.valueOf(raw));
    }

    private static void assertRejected(String mysqlType, String raw) {
        assertThrows(CanalFormatException.class, () -> value(mysqlType, raw), () -> mysqlType + " accepted " + raw);
    }
}
