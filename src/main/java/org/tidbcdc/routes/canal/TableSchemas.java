package org.tidbcdc.routes.canal;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The column types of each table, read from a record's {@code mysqlType} once and reused while later records repeat
 * them. TiCDC writes mysqlType from a Go map, so its key order changes from record to record and the same schema comes
 * in many byte sequences: an entry is therefore keyed by table and checked against every record, pair by pair, without
 * allocating. A record whose pairs differ (a DDL changed the table) replaces the entry. The number of tables is bounded.
 */
final class TableSchemas {

    /** Tables held at most; more are a flood, not a schema, and start the cache over. */
    static final int LIMIT = 1024;

    /** A table's key; equals and hashCode written out, because a record's go through an invokedynamic call site. */
    private static final class Table {
        private final String database;
        private final String table;
        private final int hash;

        Table(String database, String table) {
            this.database = database;
            this.table = table;
            this.hash = 31 * database.hashCode() + table.hashCode();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Table t && hash == t.hash && database.equals(t.database) && table.equals(t.table);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** One table's types: column name to its declared mysqlType and parsed type. */
    static final class Schema {
        private final Map<String, Slot> slots;

        private Schema(Map<String, Slot> slots) {
            this.slots = slots;
        }

        /** Columns with a type: what an image of the table holds, to size its map once. */
        int columns() {
            return slots.size();
        }

        /** The type of a column, or null when mysqlType does not name it (the value keeps its text). */
        ColumnType type(String column) {
            Slot slot = slots.get(column);
            return slot == null ? null : slot.type;
        }

        private static Schema of(Map<String, String> declared) {
            Map<String, Slot> slots = new HashMap<>();
            for (Map.Entry<String, String> e : declared.entrySet()) {
                if (e.getValue() != null) {
                    slots.put(e.getKey(), new Slot(slots.size(), e.getValue().toCharArray(),
                            ColumnType.of(e.getValue())));
                }
            }
            return new Schema(slots);
        }
    }

    private record Slot(int index, char[] declared, ColumnType type) {
    }

    /** Thrown when mysqlType holds a value that is neither a string nor null: the tree decoder reports it. */
    static final class NotStrings extends Exception {
        NotStrings() {
            super(null, null, false, false);
        }
    }

    private final Map<Table, Schema> tables = new ConcurrentHashMap<>();

    /**
     * Reads the mysqlType object the parser is at (its START_OBJECT is the current token) to its END_OBJECT, and returns
     * its types: the held ones when every pair matches them, else new ones, which replace them. A repeated key counts
     * once, the last one, as in Jackson's tree.
     */
    Schema read(JsonParser p, String database, String table) throws IOException, NotStrings {
        Table key = new Table(database, table);
        Schema held = tables.get(key);
        boolean[] seen = held == null ? null : new boolean[held.slots.size()];
        int matched = 0;
        Map<String, String> collected = held == null ? new LinkedHashMap<>() : null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String column = p.currentName();
            JsonToken t = p.nextToken();
            if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NULL) {
                throw new NotStrings();
            }
            if (collected == null) {
                Slot slot = held.slots.get(column);
                if (slot != null && t == JsonToken.VALUE_STRING && !seen[slot.index] && sameText(p, slot.declared)) {
                    seen[slot.index] = true;
                    matched++;
                    continue;
                }
                collected = matchedSoFar(held, seen);
            }
            collected.put(column, t == JsonToken.VALUE_NULL ? null : p.getText());
        }
        if (collected == null) {
            if (matched == held.slots.size()) {
                return held;
            }
            collected = matchedSoFar(held, seen);
        }
        Schema schema = Schema.of(collected);
        if (tables.size() >= LIMIT) {
            tables.clear();
        }
        tables.put(key, schema);
        return schema;
    }

    private static Map<String, String> matchedSoFar(Schema held, boolean[] seen) {
        Map<String, String> collected = new LinkedHashMap<>();
        for (Map.Entry<String, Slot> e : held.slots.entrySet()) {
            if (seen[e.getValue().index]) {
                collected.put(e.getKey(), new String(e.getValue().declared));
            }
        }
        return collected;
    }

    int size() {
        return tables.size();
    }

    private static boolean sameText(JsonParser p, char[] expected) throws IOException {
        int length = p.getTextLength();
        if (length != expected.length) {
            return false;
        }
        char[] text = p.getTextCharacters();
        int offset = p.getTextOffset();
        for (int i = 0; i < length; i++) {
            if (text[offset + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }
}
