package org.tidbcdc.routes.canal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** Decoding rules beyond what the fixtures show: many rows, replays, partial pre-images, hostile text. */
class CanalDecoderTest {

    private final CanalDecoder decoder = new CanalDecoder();

    @Test
    void everyRowOfDataBecomesAnEventPairedWithItsOldRow() {
        byte[] value = Fixtures.changed("11", r -> {
            ObjectNode secondNew = ((ObjectNode) r.get("data").get(0)).deepCopy().put("id", "3").put("c_int", "7");
            ObjectNode secondOld = ((ObjectNode) r.get("old").get(0)).deepCopy().put("id", "3").put("c_int", "6");
            ((ArrayNode) r.get("data")).add(secondNew);
            ((ArrayNode) r.get("old")).add(secondOld);
        });
        List<ChangeEvent> events = decoder.decode(value, Fixtures.SOURCE).events();
        assertEquals(2, events.size());
        assertEquals("{\"id\":2}", events.get(0).pk().toString());
        assertEquals("{\"id\":3}", events.get(1).pk().toString());
        assertEquals(6, events.get(1).before().get("c_int").intValue());
        assertEquals(7, events.get(1).after().get("c_int").intValue());
        assertEquals(127, events.get(1).before().get("c_tinyint").intValue());
        assertEquals(List.of("c_tinyint", "c_int"), events.get(1).changedColumns());
        assertNotEquals(events.get(0).eventKey(), events.get(1).eventKey());
    }

    @Test
    void rowsOfOneRecordWithoutCommitTsGetDistinctOffsetKeys() {
        byte[] value = Fixtures.changed("04", r -> ((ArrayNode) r.get("data")).add(r.get("data").get(0).deepCopy()));
        List<ChangeEvent> events = decoder.decode(value, Fixtures.SOURCE).events();
        assertEquals(Fixtures.sha256Hex("[\"kafka\",\"cdc\",3,42,0]"), events.get(0).eventKey());
        assertEquals(Fixtures.sha256Hex("[\"kafka\",\"cdc\",3,42,1]"), events.get(1).eventKey());
    }

    @Test
    void replayAtAnotherOffsetKeepsTheKeyWhenCommitTsIsPresent() {
        byte[] value = Fixtures.bytes("02");
        ChangeEvent first = decoder.decode(value, new Source("cdc", 0, 10)).events().get(0);
        ChangeEvent replay = decoder.decode(value, new Source("cdc", 1, 99_999)).events().get(0);
        assertEquals(first.eventKey(), replay.eventKey());
        assertEquals(99_999, replay.source().offset());
    }

    @Test
    void replayAtAnotherOffsetChangesTheKeyWithoutCommitTs() {
        byte[] value = Fixtures.bytes("04");
        ChangeEvent first = decoder.decode(value, new Source("cdc", 0, 10)).events().get(0);
        ChangeEvent replay = decoder.decode(value, new Source("cdc", 0, 11)).events().get(0);
        assertNotEquals(first.eventKey(), replay.eventKey());
    }

    @Test
    void replayKeyIgnoresEncodeTimeAndMysqlTypeKeyOrder() {
        ChangeEvent first = Fixtures.only("02");
        byte[] resent = Fixtures.changed("02", r -> {
            r.put("ts", 1);
            ObjectNode reversed = r.objectNode();
            List<String> names = new ArrayList<>();
            r.get("mysqlType").fieldNames().forEachRemaining(n -> names.add(0, n));
            names.forEach(n -> reversed.set(n, r.get("mysqlType").get(n)));
            r.set("mysqlType", reversed);
        });
        assertEquals(first.eventKey(), decoder.decode(resent, new Source("cdc", 2, 7)).events().get(0).eventKey());
    }

    @Test
    void tableWithoutPrimaryKeyIsKeyedByTheWholeRow() {
        byte[] value = Fixtures.changed("22", r -> {
            r.putArray("pkNames");
            ((ArrayNode) r.get("data")).add(r.objectNode().put("a", "2").put("b", "9"));
        });
        List<ChangeEvent> events = decoder.decode(value, Fixtures.SOURCE).events();
        assertEquals("{}", events.get(0).pk().toString());
        assertEquals(Fixtures.sha256Hex("[\"test\",\"t_ab\",\"INSERT\",\"455000719360000006\",{\"a\":2,\"b\":1}]"),
                events.get(0).eventKey());
        assertNotEquals(events.get(0).eventKey(), events.get(1).eventKey());
    }

    @Test
    void nullPkNamesMeansNoPrimaryKey() {
        byte[] value = Fixtures.changed("21", r -> r.putNull("pkNames"));
        ChangeEvent delete = decoder.decode(value, Fixtures.SOURCE).events().get(0);
        assertEquals("{}", delete.pk().toString());
        assertEquals(Fixtures.sha256Hex("[\"test\",\"t_ab\",\"DELETE\",\"455000719360000006\",{\"a\":1,\"b\":1}]"),
                delete.eventKey());
    }

    @Test
    void partialOldIsLaidOverTheNewRow() {
        byte[] value = Fixtures.changed("11", r -> r.putArray("old").addObject().put("c_int", "5"));
        ChangeEvent update = decoder.decode(value, Fixtures.SOURCE).events().get(0);
        assertEquals("{\"id\":2,\"c_tinyint\":0,\"c_smallint\":32767,\"c_mediumint\":8388607,\"c_int\":5,"
                + "\"c_bigint\":9223372036854775807}", update.before().toString());
        assertEquals(List.of("c_int"), update.changedColumns());
    }

    @Test
    void emptyOldMeansNothingChanged() {
        byte[] value = Fixtures.changed("11", r -> r.putArray("old").addObject());
        ChangeEvent update = decoder.decode(value, Fixtures.SOURCE).events().get(0);
        assertEquals(update.after(), update.before());
        assertEquals(List.of(), update.changedColumns());
    }

    @Test
    void oldValueSetToNullCountsAsChanged() {
        byte[] value = Fixtures.changed("11", r -> r.putArray("old").addObject().putNull("c_int"));
        ChangeEvent update = decoder.decode(value, Fixtures.SOURCE).events().get(0);
        assertTrue(update.before().get("c_int").isNull());
        assertEquals(List.of("c_int"), update.changedColumns());
    }

    @Test
    void jsonColumnTreesAreNotSharedBetweenImages() {
        byte[] value = Fixtures.changed("16", r -> {
            r.put("type", "UPDATE");
            r.putArray("old").addObject().put("a", "0");
        });
        ChangeEvent update = decoder.decode(value, Fixtures.SOURCE).events().get(0);
        assertEquals(update.after().get("p"), update.before().get("p"));
        assertNotSame(update.after().get("p"), update.before().get("p"));
        assertEquals(List.of("a"), update.changedColumns());
    }

    @Test
    void imagesKeepTheColumnOrderOfData() {
        byte[] value = Fixtures.changed("04", r -> {
            ObjectNode row = r.putArray("data").addObject();
            row.put("zeta", "1").put("id", "101").put("alpha", "x");
        });
        ChangeEvent insert = decoder.decode(value, Fixtures.SOURCE).events().get(0);
        assertEquals("{\"zeta\":\"1\",\"id\":101,\"alpha\":\"x\"}", insert.after().toString());
    }

    @Test
    void columnMissingFromMysqlTypeKeepsItsString() {
        byte[] value = Fixtures.changed("02", r -> ((ObjectNode) r.get("mysqlType")).remove("c_int"));
        ChangeEvent insert = decoder.decode(value, Fixtures.SOURCE).events().get(0);
        assertEquals("2147483647", insert.after().get("c_int").textValue());
    }

    @Test
    void hostileStringsDecodeVerbatim() {
        String injection = "'; DROP TABLE users; --";
        byte[] value = Fixtures.changed("04", r -> {
            r.put("database", "../../etc");
            r.put("table", "..\\passwd/../x");
            ((ObjectNode) r.get("data").get(0)).put("FirstName", injection).put("LastName", "\u0000<script>");
        });
        ChangeEvent insert = decoder.decode(value, Fixtures.SOURCE).events().get(0);
        assertEquals("../../etc", insert.database());
        assertEquals("..\\passwd/../x", insert.table());
        assertEquals(injection, insert.after().get("FirstName").textValue());
        assertEquals("\u0000<script>", insert.after().get("LastName").textValue());
    }

    @Test
    void commitTsAndWatermarkAboveTheSignedRangeStayExact() {
        byte[] insert = Fixtures.changed("02", r -> ((ObjectNode) r.get("_tidb")).put("commitTs",
                new BigInteger("18446744073709551615")));
        assertEquals("18446744073709551615", decoder.decode(insert, Fixtures.SOURCE).events().get(0).commitTs());

        byte[] watermark = Fixtures.changed("03", r -> ((ObjectNode) r.get("_tidb")).put("watermarkTs",
                new BigInteger("18446744073709551615")));
        DecodedRecord record = decoder.decode(watermark, Fixtures.SOURCE);
        assertEquals("18446744073709551615", Long.toUnsignedString(record.watermarkTs()));
    }

    @Test
    void ddlFlagWinsOverTheWatermarkType() {
        byte[] value = Fixtures.changed("01", r -> r.put("type", "QUERY"));
        assertEquals(Op.DDL, decoder.decode(value, Fixtures.SOURCE).events().get(0).op());
    }

    @Test
    void rowChangesCarryNoSqlAndNoDdlType() {
        ChangeEvent insert = Fixtures.only("02");
        assertNull(insert.sql());
        assertNull(insert.ddlType());
    }

    @Test
    void decodedEventsAreTheSameFromManyThreads() throws Exception {
        byte[] value = Fixtures.bytes("13");
        String expected = decoder.decode(value, Fixtures.SOURCE).events().get(0).json();
        List<Thread> threads = new ArrayList<>();
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 200; i++) {
                    seen.add(decoder.decode(value, Fixtures.SOURCE).events().get(0).json());
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(800, seen.size());
        seen.forEach(json -> assertEquals(expected, json));
    }
}
