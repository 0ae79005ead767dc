package org.tidbcdc.routes.canal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** A decoded event renders as one line of v1 change-record JSON carrying every field the sinks rely on. */
class ChangeEventJsonTest {

    private static final List<String> FIELDS = List.of("v", "op", "ddlType", "database", "table", "pk", "before",
            "after", "changedColumns", "sql", "commitTs", "commitTime", "eventKey", "source", "keyOnly",
            "claimCheckLocation");

    @Test
    void decodedUpdateRendersEveryV1Field() throws Exception {
        ChangeEvent update = Fixtures.only("11");
        String line = update.json();
        assertFalse(line.contains("\n"));
        JsonNode json = CanalJson.MAPPER.readTree(line);
        assertEquals(FIELDS, fieldNames(json));
        assertEquals(1, json.get("v").intValue());
        assertEquals("UPDATE", json.get("op").textValue());
        assertTrue(json.get("ddlType").isNull());
        assertEquals("test", json.get("database").textValue());
        assertEquals("tp_int", json.get("table").textValue());
        assertEquals("{\"id\":2}", json.get("pk").toString());
        assertEquals(127, json.get("before").get("c_tinyint").intValue());
        assertEquals(0, json.get("after").get("c_tinyint").intValue());
        assertEquals("[\"c_tinyint\",\"c_int\"]", json.get("changedColumns").toString());
        assertTrue(json.get("sql").isNull());
        assertTrue(json.get("commitTs").isTextual());
        assertEquals("455000614534643715", json.get("commitTs").textValue());
        assertEquals("2025-01-01T00:00:00.123Z", json.get("commitTime").textValue());
        assertEquals(update.eventKey(), json.get("eventKey").textValue());
        assertEquals("{\"topic\":\"cdc\",\"partition\":3,\"offset\":42}", json.get("source").toString());
        assertFalse(json.get("keyOnly").booleanValue());
        assertTrue(json.get("claimCheckLocation").isNull());
    }

    @Test
    void decodedDdlRendersStatementAndNoImages() throws Exception {
        JsonNode json = CanalJson.MAPPER.readTree(Fixtures.only("18").json());
        assertEquals(FIELDS, fieldNames(json));
        assertEquals("DDL", json.get("op").textValue());
        assertEquals("ALTER", json.get("ddlType").textValue());
        assertEquals("ALTER TABLE `tp_int` ADD COLUMN `c_note` VARCHAR(64) DEFAULT '<none>'",
                json.get("sql").textValue());
        assertTrue(json.get("pk").isNull());
        assertTrue(json.get("before").isNull());
        assertTrue(json.get("after").isNull());
        assertTrue(json.get("changedColumns").isNull());
    }

    @Test
    void claimCheckAndKeyOnlyFlagsReachTheRecord() throws Exception {
        assertTrue(CanalJson.MAPPER.readTree(Fixtures.only("09").json()).get("keyOnly").booleanValue());
        assertEquals("s3:/claim-check-bucket/${uuid}.json",
                CanalJson.MAPPER.readTree(Fixtures.only("10").json()).get("claimCheckLocation").textValue());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
