package org.tidbcdc.routes.canal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.math.BigDecimal;
import java.math.BigInteger;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The key is SHA-256 of a canonical JSON array, so it can be recomputed by anyone from the documented form. */
class EventKeyTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    @Test
    void rowKeyHashesCompactJsonWithKeysSortedAtEveryDepth() {
        ObjectNode identity = JSON.objectNode();
        identity.putObject("b").put("z", 1).putArray("y").addObject().put("d", 1).put("c", 2);
        identity.put("a", "x");
        String canonical = "[\"db\",\"t\",\"INSERT\",\"1\",{\"a\":\"x\",\"b\":{\"y\":[{\"c\":2,\"d\":1}],\"z\":1}}]";
        assertEquals(Fixtures.sha256Hex(canonical), EventKey.forRow("db", "t", Op.INSERT, "1", identity));
    }

    @Test
    void columnOrderDoesNotChangeTheKey() {
        ObjectNode ab = JSON.objectNode().put("a", 1).put("b", 2);
        ObjectNode ba = JSON.objectNode().put("b", 2).put("a", 1);
        assertEquals(EventKey.forRow("d", "t", Op.DELETE, "9", ab), EventKey.forRow("d", "t", Op.DELETE, "9", ba));
    }

    @Test
    void eachPartOfTheRowKeyMatters() {
        ObjectNode pk = JSON.objectNode().put("id", 1);
        String key = EventKey.forRow("d", "t", Op.INSERT, "9", pk);
        assertNotEquals(key, EventKey.forRow("d", "t", Op.DELETE, "9", pk));
        assertNotEquals(key, EventKey.forRow("d", "t", Op.INSERT, "10", pk));
        assertNotEquals(key, EventKey.forRow("d", "u", Op.INSERT, "9", pk));
        assertNotEquals(key, EventKey.forRow("d", "t", Op.INSERT, "9", JSON.objectNode().put("id", "1")));
    }

    @Test
    void largeNumbersAndTextAreWrittenExactlyAsUtf8() {
        ObjectNode row = JSON.objectNode()
                .put("big", new BigInteger("18446744073709551615"))
                .put("dec", new BigDecimal("1E+3"))
                .put("txt", "测\"\\\n");
        row.putNull("nil");
        row.put("yes", true);
        assertEquals(Fixtures.sha256Hex("[\"d\",\"t\",\"UPDATE\",\"5\",{\"big\":18446744073709551615,\"dec\":1000,"
                        + "\"nil\":null,\"txt\":\"测\\\"\\\\\\n\",\"yes\":true}]"),
                EventKey.forRow("d", "t", Op.UPDATE, "5", row));
    }

    @Test
    void ddlKeyHashesStatementAndCommitTs() {
        assertEquals(Fixtures.sha256Hex("[\"test\",\"\",\"DDL\",\"429918007904436226\",\"drop database test\"]"),
                EventKey.forDdl("test", "", "429918007904436226", "drop database test"));
    }

    @Test
    void offsetKeyHashesKafkaCoordinatesAsNumbers() {
        assertEquals(Fixtures.sha256Hex("[\"kafka\",\"cdc\",3,42,0]"), EventKey.forOffset(new Source("cdc", 3, 42), 0));
    }
}
