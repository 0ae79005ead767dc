package org.tidbcdc.routes.canal;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Decodes an INSERT, UPDATE or DELETE record in the shape TiCDC writes it with Jackson's streaming parser: row values
 * go straight into the typed images, {@code sqlType} is skipped, {@code mysqlType} is checked against the table's held
 * types ({@link TableSchemas}) instead of being built as a tree. It takes only what it can decode exactly as the tree
 * decoder does; anything else (DDL, watermarks, claim-check records it must fetch, and every record out of shape or
 * damaged) it hands back, and the tree decoder decodes it or names what is wrong with it.
 */
final class StreamingDml {

    private static final int DATABASE = 1;
    private static final int TABLE = 1 << 1;
    private static final int PK_NAMES = 1 << 2;
    private static final int IS_DDL = 1 << 3;
    private static final int TYPE = 1 << 4;
    private static final int ES = 1 << 5;
    private static final int MYSQL_TYPE = 1 << 6;
    private static final int OLD = 1 << 7;
    private static final int DATA = 1 << 8;
    private static final int TIDB = 1 << 9;
    private static final int REQUIRED = DATABASE | TABLE | IS_DDL | TYPE | ES | DATA;

    private static final int UINT64_BITS = 64;
    private static final int TSO_PHYSICAL_BITS = 46;

    /** What the tree decoder is left to do; an exception without a stack trace, since it is no error of its own. */
    static final class NotThisShape extends Exception {
        static final NotThisShape INSTANCE = new NotThisShape();

        private NotThisShape() {
            super("not a record of the streaming decoder's shape", null, false, false);
        }
    }

    private final TableSchemas schemas = new TableSchemas();
    private final boolean claimChecksFetched;

    StreamingDml(boolean claimChecksFetched) {
        this.claimChecksFetched = claimChecksFetched;
    }

    /** The decoded record, or null when the tree decoder must take it. {@code json} is valid UTF-8. */
    DecodedRecord decode(byte[] json, Source source) {
        try (JsonParser p = CanalJson.MAPPER.getFactory().createParser(json)) {
            return read(p, source);
        } catch (NotThisShape | IOException | RuntimeException e) {
            // a RuntimeException is a value the tree decoder rejects too (CanalFormatException) or one it reports better
            return null;
        }
    }

    private DecodedRecord read(JsonParser p, Source source) throws IOException, NotThisShape {
        expect(p.nextToken() == JsonToken.START_OBJECT);
        int seen = 0;
        Op op = null;
        long commitMillis = 0;
        String database = null;
        String table = null;
        List<String> pkNames = List.of();
        TableSchemas.Schema schema = null;
        TidbExtension tidb = TidbExtension.NONE;
        List<ObjectNode> old = null;
        List<ObjectNode> typed = null;
        List<ObjectNode> raw = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            int bit = bit(field);
            expect((seen & bit) == 0);
            seen |= bit;
            switch (bit) {
                case DATABASE -> database = identifier(p, t);
                case TABLE -> table = identifier(p, t);
                case PK_NAMES -> pkNames = pkNames(p, t);
                case IS_DDL -> expect(t == JsonToken.VALUE_FALSE);
                case TYPE -> op = op(p, t);
                case ES -> commitMillis = commitMillis(p, t);
                case MYSQL_TYPE -> {
                    expect(t == JsonToken.START_OBJECT && database != null && table != null);
                    try {
                        schema = schemas.read(p, database, table);
                    } catch (TableSchemas.NotStrings e) {
                        throw NotThisShape.INSTANCE;
                    }
                }
                case OLD -> {
                    expect(op != null);
                    if (op == Op.UPDATE) {
                        old = rows(p, t, null, null);
                    } else {
                        p.skipChildren();
                    }
                }
                case DATA -> {
                    expect(op != null && schema != null);
                    typed = new ArrayList<>(1);
                    raw = op == Op.UPDATE ? new ArrayList<>(1) : null;
                    rows(p, t, schema, typed, raw);
                }
                case TIDB -> tidb = tidb(p, t);
                default -> p.skipChildren();
            }
        }
        expect(p.currentToken() == JsonToken.END_OBJECT && p.nextToken() == null);
        expect((seen & REQUIRED) == REQUIRED && !typed.isEmpty());
        expect(op != Op.UPDATE || old != null && old.size() == typed.size());
        DmlRecord record = new DmlRecord(database, table, pkNames, new RowImages(schema), op, tidb, commitMillis,
                source);
        return DecodedRecord.ofEvents(record.events(typed, raw, old));
    }

    private static int bit(String field) {
        return switch (field) {
            case "database" -> DATABASE;
            case "table" -> TABLE;
            case "pkNames" -> PK_NAMES;
            case "isDdl" -> IS_DDL;
            case "type" -> TYPE;
            case "es" -> ES;
            case "mysqlType" -> MYSQL_TYPE;
            case "old" -> OLD;
            case "data" -> DATA;
            case "_tidb" -> TIDB;
            default -> 0;
        };
    }

    private static void expect(boolean shape) throws NotThisShape {
        if (!shape) {
            throw NotThisShape.INSTANCE;
        }
    }

    private static String identifier(JsonParser p, JsonToken t) throws IOException, NotThisShape {
        expect(t == JsonToken.VALUE_STRING);
        String name = p.getText();
        expect(name.length() <= CanalObject.MAX_IDENTIFIER
                || name.codePointCount(0, name.length()) <= CanalObject.MAX_IDENTIFIER);
        return name;
    }

    private static List<String> pkNames(JsonParser p, JsonToken t) throws IOException, NotThisShape {
        if (t == JsonToken.VALUE_NULL) {
            return List.of();
        }
        expect(t == JsonToken.START_ARRAY);
        List<String> names = new ArrayList<>(2);
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
            expect(e == JsonToken.VALUE_STRING);
            names.add(p.getText());
        }
        return names;
    }

    private static Op op(JsonParser p, JsonToken t) throws IOException, NotThisShape {
        expect(t == JsonToken.VALUE_STRING);
        return switch (p.getText()) {
            case "INSERT" -> Op.INSERT;
            case "UPDATE" -> Op.UPDATE;
            case "DELETE" -> Op.DELETE;
            default -> throw NotThisShape.INSTANCE;
        };
    }

    private static long commitMillis(JsonParser p, JsonToken t) throws IOException, NotThisShape {
        expect(t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER);
        long millis = p.getLongValue();
        expect(millis >= 0 && millis < 1L << TSO_PHYSICAL_BITS);
        return millis;
    }

    private TidbExtension tidb(JsonParser p, JsonToken t) throws IOException, NotThisShape {
        if (t == JsonToken.VALUE_NULL) {
            return TidbExtension.NONE;
        }
        expect(t == JsonToken.START_OBJECT);
        String commitTs = null;
        boolean onlyHandleKey = false;
        String location = null;
        int seen = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            int bit = switch (field) {
                case "commitTs" -> 1;
                case "watermarkTs" -> 2;
                case "onlyHandleKey" -> 4;
                case "claimCheckLocation" -> 8;
                default -> 0;
            };
            expect((seen & bit) == 0);
            seen |= bit;
            switch (bit) {
                case 1 -> commitTs = uint64(p, v);
                case 2 -> uint64(p, v);
                case 4 -> {
                    expect(v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE || v == JsonToken.VALUE_NULL);
                    onlyHandleKey = v == JsonToken.VALUE_TRUE;
                }
                case 8 -> {
                    if (v != JsonToken.VALUE_NULL) {
                        expect(v == JsonToken.VALUE_STRING && !claimChecksFetched);
                        location = p.getText();
                        expect(location.length() <= TidbExtension.MAX_CLAIM_CHECK_LOCATION_CHARS
                                || location.codePointCount(0, location.length())
                                <= TidbExtension.MAX_CLAIM_CHECK_LOCATION_CHARS);
                    }
                }
                default -> p.skipChildren();
            }
        }
        return new TidbExtension(commitTs, null, onlyHandleKey, location);
    }

    /** An unsigned 64-bit integer's digits, or null for JSON null. */
    private static String uint64(JsonParser p, JsonToken t) throws IOException, NotThisShape {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        expect(t == JsonToken.VALUE_NUMBER_INT);
        if (p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            long n = p.getLongValue();
            expect(n >= 0);
            return Long.toString(n);
        }
        BigInteger n = p.getBigIntegerValue();
        expect(n.signum() >= 0 && n.bitLength() <= UINT64_BITS);
        return n.toString();
    }

    /** The raw rows of {@code old}: objects of strings and nulls. */
    private static List<ObjectNode> rows(JsonParser p, JsonToken t, TableSchemas.Schema schema, List<ObjectNode> typed)
            throws IOException, NotThisShape {
        List<ObjectNode> raw = new ArrayList<>(1);
        rows(p, t, schema, typed, raw);
        return raw;
    }

    /**
     * Reads an array of rows: with a schema, each row's typed image into {@code typed}; the raw values into {@code raw}
     * when it is not null. A repeated column, or a value that is neither a string nor null, is not this shape.
     */
    private static void rows(JsonParser p, JsonToken t, TableSchemas.Schema schema, List<ObjectNode> typed,
            List<ObjectNode> raw) throws IOException, NotThisShape {
        expect(t == JsonToken.START_ARRAY);
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        int capacity = schema == null ? 16 : Math.max(16, schema.columns() * 4 / 3 + 1);
        for (JsonToken row = p.nextToken(); row != JsonToken.END_ARRAY; row = p.nextToken()) {
            expect(row == JsonToken.START_OBJECT);
            // sized for the table's columns: a wide table's image no longer grows its map three times
            ObjectNode typedRow = schema == null ? null : new ObjectNode(nodes, new LinkedHashMap<>(capacity));
            ObjectNode rawRow = raw == null ? null : new ObjectNode(nodes, new LinkedHashMap<>(capacity));
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String column = p.currentName();
                JsonToken v = p.nextToken();
                JsonNode value;
                if (v == JsonToken.VALUE_STRING) {
                    value = TextNode.valueOf(p.getText());
                } else {
                    expect(v == JsonToken.VALUE_NULL);
                    value = NullNode.instance;
                }
                if (typedRow != null) {
                    ColumnType type = schema.type(column);
                    JsonNode typedValue = value.isNull() || type == null ? value : type.toJson((TextNode) value);
                    expect(typedRow.replace(column, typedValue) == null);
                }
                if (rawRow != null) {
                    expect(rawRow.replace(column, value) == null);
                }
            }
            if (typedRow != null) {
                typed.add(typedRow);
            }
            if (rawRow != null) {
                raw.add(rawRow);
            }
        }
    }
}
