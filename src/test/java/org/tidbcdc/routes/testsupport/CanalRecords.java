package org.tidbcdc.routes.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jpountz.lz4.LZ4FrameOutputStream;

/**
 * Canal-JSON records as TiCDC writes them with {@code enable-tidb-extension=true}, for load and fault tests: rows of
 * {@code <db>.<table> (id int primary key, v varchar)} identified by their commitTs, watermarks, and records that no
 * decoder may accept.
 */
public final class CanalRecords {

    /** A TiDB TSO of 2025-01-01; its physical part ({@code >> 18}) is the commit time in ms. */
    public static final long BASE_TS = 455000614534643715L;

    private static final ObjectMapper JSON = new ObjectMapper();

    private CanalRecords() {
    }

    /** The value as TiCDC writes it with {@code large-message-handle-compression=lz4}: one LZ4 frame. */
    public static byte[] lz4(byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (LZ4FrameOutputStream lz4 = new LZ4FrameOutputStream(out)) {
            lz4.write(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] insert(String db, String table, long id, long commitTs, String value) {
        return bytes(row(db, table, "INSERT", id, commitTs, null, value));
    }

    public static byte[] update(String db, String table, long id, long commitTs, String oldValue, String value) {
        return bytes(row(db, table, "UPDATE", id, commitTs, oldValue, value));
    }

    /** The record as a tree, for tests that damage one field of an otherwise valid record. */
    public static ObjectNode row(String db, String table, String type, long id, long commitTs, String oldValue,
            String value) {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", 0);
        r.put("database", db);
        r.put("table", table);
        r.putArray("pkNames").add("id");
        r.put("isDdl", false);
        r.put("type", type);
        r.put("es", commitTs >>> 18);
        r.put("ts", (commitTs >>> 18) + 5);
        r.put("sql", "");
        r.putObject("sqlType").put("id", 4).put("v", 12);
        r.putObject("mysqlType").put("id", "int").put("v", "varchar");
        if (oldValue == null) {
            r.putNull("old");
        } else {
            r.putArray("old").addObject().put("id", String.valueOf(id)).put("v", oldValue);
        }
        r.putArray("data").addObject().put("id", String.valueOf(id)).put("v", value);
        r.putObject("_tidb").put("commitTs", commitTs);
        return r;
    }

    public static byte[] watermark(long watermarkTs) {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", 0);
        r.put("database", "");
        r.put("table", "");
        r.putNull("pkNames");
        r.put("isDdl", false);
        r.put("type", "TIDB_WATERMARK");
        r.put("es", watermarkTs >>> 18);
        r.put("ts", (watermarkTs >>> 18) + 5);
        r.put("sql", "");
        r.putNull("sqlType");
        r.putNull("mysqlType");
        r.putNull("data");
        r.putNull("old");
        r.putObject("_tidb").put("watermarkTs", watermarkTs);
        return bytes(r);
    }

    public static byte[] bytes(ObjectNode record) {
        try {
            return JSON.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A record that must go to the dead-letter topic; {@code value} may be null (a Kafka tombstone). */
    public record Poison(String kind, byte[] value) {
    }

    /**
     * {@code count} generated bad records, kinds in rotation: truncated JSON, wrong field types, a {@code data} that is
     * not an array, an unknown {@code type}, invalid UTF-8, excess nesting, names or times no TiDB writes (and no
     * sink could hold), and values that are not a JSON object.
     */
    public static List<Poison> poison(int count, Random random) {
        List<Poison> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long id = 1_000_000L + i;
            ObjectNode r = row("app_db", "poison", "INSERT", id, BASE_TS + id, null, "bad " + i);
            int variant = random.nextInt(8);
            switch (i % 8) {
                case 0 -> {
                    byte[] whole = bytes(r);
                    out.add(new Poison("truncated JSON",
                            Arrays.copyOf(whole, 1 + random.nextInt(whole.length - 2))));
                }
                case 1 -> {
                    switch (variant) {
                        case 0 -> r.put("isDdl", "false");
                        case 1 -> r.put("es", "1735689600000");
                        case 2 -> r.put("type", 1);
                        case 3 -> r.put("database", 5);
                        case 4 -> r.putObject("_tidb").put("commitTs", "latest");
                        case 5 -> r.put("mysqlType", "int");
                        case 6 -> ((ObjectNode) r.get("data").get(0)).put("id", "not a number");
                        default -> ((ObjectNode) r.get("data").get(0)).putObject("v").put("nested", true);
                    }
                    out.add(new Poison("wrong field type", bytes(r)));
                }
                case 2 -> {
                    switch (variant % 4) {
                        case 0 -> r.putObject("data").put("id", String.valueOf(id));
                        case 1 -> r.put("data", "[{\"id\":\"" + id + "\"}]");
                        case 2 -> r.put("data", 7);
                        default -> r.put("data", true);
                    }
                    out.add(new Poison("data not an array", bytes(r)));
                }
                case 3 -> {
                    switch (variant % 4) {
                        case 0 -> r.put("type", "UPSERT");
                        case 1 -> r.put("type", "insert");
                        case 2 -> r.put("type", "");
                        default -> r.put("isDdl", true).put("type", "DROP_EVERYTHING");
                    }
                    out.add(new Poison("unknown type", bytes(r)));
                }
                case 4 -> out.add(new Poison("invalid UTF-8", invalidUtf8(bytes(r), variant % 5)));
                case 5 -> out.add(new Poison("deeply nested JSON", nested(variant % 2 == 0 ? 1_000 : 100_000)));
                case 6 -> {
                    switch (variant % 4) {
                        case 0 -> r.put("table", "t".repeat(65 + random.nextInt(300)));
                        case 1 -> r.put("database", "d".repeat(65 + random.nextInt(300)));
                        case 2 -> r.put("es", 253402300800000L + random.nextInt(1000)); // the year 10000
                        default -> ((ObjectNode) r.get("_tidb"))
                                .put("claimCheckLocation", "s3://b/" + "x".repeat(1100));
                    }
                    out.add(new Poison("beyond what TiDB writes", bytes(r)));
                }
                default -> {
                    String[] notObjects = {"", "   ", "null", "[]", "42", "\"row\"", "[{\"id\":0}]", "{}{}"};
                    out.add(new Poison("not a JSON object",
                            notObjects[variant % notObjects.length].getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
        return out;
    }

    /** An otherwise valid record whose value is about {@code bytes} long and cut before its end. */
    public static Poison hugeInvalid(int bytes) {
        byte[] whole = insert("app_db", "poison", 999_999L, BASE_TS + 999_999L, "x".repeat(bytes));
        return new Poison("5 MB invalid", Arrays.copyOf(whole, whole.length - 3));
    }

    private static byte[] invalidUtf8(byte[] valid, int variant) {
        byte[][] bad = {
                {(byte) 0xC3, (byte) 0x28},             // a lead byte without its continuation
                {(byte) 0xFF},                          // never valid in UTF-8
                {(byte) 0x80},                          // a lone continuation byte
                {(byte) 0xC0, (byte) 0xAF},             // an overlong '/'
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80} // an encoded UTF-16 surrogate
        };
        String text = new String(valid, StandardCharsets.UTF_8);
        int at = text.indexOf("\"bad ") + 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream(valid.length + 3);
        out.write(valid, 0, at);
        out.writeBytes(bad[variant]);
        out.write(valid, at, valid.length - at);
        return out.toByteArray();
    }

    private static byte[] nested(int depth) {
        StringBuilder b = new StringBuilder(depth * 2 + 64);
        b.append("{\"id\":0,\"database\":\"app_db\",\"table\":\"poison\",\"isDdl\":false,")
                .append("\"type\":\"INSERT\",\"data\":");
        b.append("[".repeat(depth)).append("]".repeat(depth)).append('}');
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
