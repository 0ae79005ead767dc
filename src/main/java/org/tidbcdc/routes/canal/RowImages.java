package org.tidbcdc.routes.canal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Builds the typed row images of one record from its raw rows and its {@code mysqlType}. Images keep the column order
 * of the message (mysqlType's own key order is random, so it is only ever looked up by name).
 */
final class RowImages {

    private final CanalObject mysqlTypes;
    private final TableSchemas.Schema schema;

    /** @param mysqlTypes the record's mysqlType object, or null when it has none */
    RowImages(CanalObject mysqlTypes) {
        this.mysqlTypes = mysqlTypes;
        this.schema = null;
    }

    /** @param schema the record's mysqlType as {@link TableSchemas} holds it */
    RowImages(TableSchemas.Schema schema) {
        this.mysqlTypes = null;
        this.schema = schema;
    }

    ObjectNode typed(CanalObject row) {
        ObjectNode image = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> column : row.node().properties()) {
            image.set(column.getKey(), value(row, column.getKey(), column.getValue()));
        }
        return image;
    }

    /**
     * The pre-image of an UPDATE: the new row with every column of {@code old} laid over it, because {@code old} may
     * hold only the changed columns. Columns {@code old} leaves out, or repeats unchanged, reuse the typed new value.
     */
    ObjectNode before(CanalObject data, CanalObject old, ObjectNode after) {
        ObjectNode image = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> column : data.node().properties()) {
            String name = column.getKey();
            JsonNode oldRaw = old.get(name);
            if (oldRaw == null || oldRaw.equals(column.getValue())) {
                image.set(name, unshared(after.get(name)));
            } else {
                image.set(name, value(old, name, oldRaw));
            }
        }
        for (Map.Entry<String, JsonNode> column : old.node().properties()) {
            if (!image.has(column.getKey())) {
                image.set(column.getKey(), value(old, column.getKey(), column.getValue()));
            }
        }
        return image;
    }

    /** Columns of {@code data}, in order, whose raw value in {@code old} differs; one absent from old is unchanged. */
    static List<String> changedColumns(CanalObject data, CanalObject old) {
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, JsonNode> column : data.node().properties()) {
            JsonNode oldRaw = old.get(column.getKey());
            if (oldRaw != null && !oldRaw.equals(column.getValue())) {
                changed.add(column.getKey());
            }
        }
        return changed;
    }

    private JsonNode value(CanalObject row, String column, JsonNode raw) {
        if (raw.isNull()) {
            return NullNode.instance;
        }
        // the path is built only for an error: per value it cost an allocation on every column of every row
        if (!raw.isTextual()) {
            throw CanalObject.wrongType(row.pathOf(column), "a string or null", raw);
        }
        ColumnType type = typeOf(column);
        try {
            return type.toJson((TextNode) raw);
        } catch (CanalFormatException e) {
            throw new CanalFormatException("`" + row.pathOf(column) + "`: " + e.getMessage(), e);
        }
    }

    private ColumnType typeOf(String column) {
        if (schema != null) {
            ColumnType type = schema.type(column);
            return type == null ? ColumnType.TEXT : type;
        }
        if (mysqlTypes == null) {
            return ColumnType.TEXT;
        }
        JsonNode declared = mysqlTypes.get(column);
        if (CanalObject.isAbsent(declared)) {
            return ColumnType.TEXT;
        }
        if (!declared.isTextual()) {
            throw CanalObject.wrongType(mysqlTypes.path() + "." + column, "a string", declared);
        }
        return ColumnType.of(declared.textValue());
    }

    /** A parsed JSON column is a mutable tree; the two images must not share it. */
    private static JsonNode unshared(JsonNode typed) {
        return typed.isContainerNode() ? typed.deepCopy() : typed;
    }
}
