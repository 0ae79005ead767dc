package org.tidbcdc.routes.canal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One INSERT, UPDATE or DELETE record. TiCDC sends one row per record, but {@code data} is an array and every row in
 * it is decoded, {@code old[i]} pairing with {@code data[i]}.
 */
final class DmlRecord {

    private final CanalObject record;
    private final Op op;
    private final TidbExtension tidb;
    private final long commitMillis;
    private final Source source;
    private final String database;
    private final String table;
    private final List<String> pkNames;
    private final RowImages images;

    DmlRecord(CanalObject record, Op op, TidbExtension tidb, long commitMillis, Source source) {
        this(record, record.identifier("database"), record.identifier("table"), pkNames(record),
                new RowImages(record.optionalObject("mysqlType")), op, tidb, commitMillis, source);
    }

    /** A record {@link StreamingDml} has read: its fields checked, its rows in hand. */
    DmlRecord(String database, String table, List<String> pkNames, RowImages images, Op op, TidbExtension tidb,
            long commitMillis, Source source) {
        this(null, database, table, pkNames, images, op, tidb, commitMillis, source);
    }

    private DmlRecord(CanalObject record, String database, String table, List<String> pkNames, RowImages images,
            Op op, TidbExtension tidb, long commitMillis, Source source) {
        this.record = record;
        this.op = op;
        this.tidb = tidb;
        this.commitMillis = commitMillis;
        this.source = source;
        this.database = database;
        this.table = table;
        this.pkNames = pkNames;
        this.images = images;
    }

    /**
     * The events of rows already typed: {@code typed[i]} is the typed image of {@code data[i]}; for an UPDATE,
     * {@code data[i]} and {@code old[i]} are the raw rows, else both lists are null.
     */
    List<ChangeEvent> events(List<ObjectNode> typed, List<ObjectNode> data, List<ObjectNode> old) {
        List<ChangeEvent> events = new ArrayList<>(typed.size());
        for (int i = 0; i < typed.size(); i++) {
            CanalObject row = data == null ? null : CanalObject.of(data.get(i), "data[" + i + "]");
            CanalObject oldRow = old == null ? null : CanalObject.of(old.get(i), "old[" + i + "]");
            events.add(event(i, row, oldRow, typed.get(i)));
        }
        return events;
    }

    List<ChangeEvent> events() {
        ArrayNode data = record.array("data");
        if (data.isEmpty()) {
            throw new CanalFormatException("`data` of a " + op + " record is empty");
        }
        ArrayNode old = op == Op.UPDATE ? record.array("old") : null;
        if (old != null && old.size() != data.size()) {
            throw new CanalFormatException(
                    "`old` has " + old.size() + " row(s) but `data` has " + data.size() + " in an UPDATE record");
        }
        List<ChangeEvent> events = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            CanalObject row = CanalObject.of(data.get(i), "data[" + i + "]");
            CanalObject oldRow = old == null ? null : CanalObject.of(old.get(i), "old[" + i + "]");
            events.add(event(i, row, oldRow, images.typed(row)));
        }
        return events;
    }

    private ChangeEvent event(int rowIndex, CanalObject row, CanalObject oldRow, ObjectNode typed) {
        ChangeEvent.Builder event = CanalDecoder.common(tidb, commitMillis, source)
                .op(op)
                .database(database)
                .table(table);
        ObjectNode after = null;
        ObjectNode before;
        if (op == Op.DELETE) {
            before = typed;
        } else {
            after = typed;
            before = op == Op.UPDATE ? images.before(row, oldRow, after) : null;
        }
        if (op == Op.UPDATE) {
            event.changedColumns(RowImages.changedColumns(row, oldRow));
        }
        ObjectNode image = after != null ? after : before;
        ObjectNode pk = pk(image, rowIndex);
        return event.pk(pk)
                .before(before)
                .after(after)
                .eventKey(eventKeyHash(rowIndex, pkNames.isEmpty() ? image : pk))
                .build();
    }

    /** {@code identity} is the primary key, or the whole row for a table without one. */
    private Supplier<String> eventKeyHash(int rowIndex, JsonNode identity) {
        String commitTs = tidb.commitTs();
        return commitTs == null
                ? () -> EventKey.forOffset(source, rowIndex)
                : () -> EventKey.forRow(database, table, op, commitTs, identity);
    }

    private ObjectNode pk(ObjectNode image, int rowIndex) {
        ObjectNode pk = JsonNodeFactory.instance.objectNode();
        for (String column : pkNames) {
            JsonNode value = image.get(column);
            if (value == null) {
                throw new CanalFormatException("primary key column `" + column + "` is missing from `data[" + rowIndex + "]`");
            }
            pk.set(column, value.deepCopy());
        }
        return pk;
    }

    /** TiCDC sends {@code []} for a table without a primary key; null is read the same way. */
    private static List<String> pkNames(CanalObject record) {
        ArrayNode names = record.optionalArray("pkNames");
        if (names == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            JsonNode name = names.get(i);
            if (!name.isTextual()) {
                throw CanalObject.wrongType("pkNames[" + i + "]", "a string", name);
            }
            out.add(name.textValue());
        }
        return out;
    }
}
