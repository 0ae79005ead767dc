package org.tidbcdc.routes.canal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One row change (or one DDL) exactly as TiDB committed it, decoded once from a Canal-JSON record. Every sink gets this
 * same object; the JSON fragments are rendered once, on first use, and shared by the file sink and the audit table.
 */
public final class ChangeEvent {

    /** The version of the change-record format written to the sinks. */
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = CanalJson.MAPPER;

    private final Op op;
    private final String ddlType;
    private final String database;
    private final String table;
    private final ObjectNode pk;
    private final ObjectNode before;
    private final ObjectNode after;
    private final List<String> changedColumns;
    private final String sql;
    private final String commitTs;
    private final long commitMillis;
    private final Supplier<String> eventKeyHash;
    private final Source source;
    private final boolean keyOnly;
    private final String claimCheckLocation;

    private String pkJson;
    private String beforeJson;
    private String afterJson;
    private String changedColumnsJson;
    private byte[] jsonBytes;
    private String summary;
    private String eventKey;

    private ChangeEvent(Builder b) {
        this.op = Objects.requireNonNull(b.op, "op");
        this.ddlType = b.ddlType;
        this.database = Objects.requireNonNull(b.database, "database");
        this.table = Objects.requireNonNull(b.table, "table");
        this.pk = b.pk;
        this.before = b.before;
        this.after = b.after;
        this.changedColumns = b.changedColumns == null ? null : List.copyOf(b.changedColumns);
        this.sql = b.sql;
        this.commitTs = b.commitTs;
        this.commitMillis = b.commitMillis;
        this.eventKey = b.eventKey;
        this.eventKeyHash = b.eventKeyHash;
        if (eventKey == null && eventKeyHash == null) {
            throw new NullPointerException("eventKey");
        }
        this.source = Objects.requireNonNull(b.source, "source");
        this.keyOnly = b.keyOnly;
        this.claimCheckLocation = b.claimCheckLocation;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Op op() {
        return op;
    }

    /** Canal's DDL type (CREATE, ALTER, QUERY, ...); null for row changes. */
    public String ddlType() {
        return ddlType;
    }

    public String database() {
        return database;
    }

    /** The table; empty for schema-level DDL such as CREATE DATABASE. */
    public String table() {
        return table;
    }

    /** Primary-key columns with typed values; empty when the table has no primary key; null for DDL. */
    public ObjectNode pk() {
        return pk;
    }

    public ObjectNode before() {
        return before;
    }

    public ObjectNode after() {
        return after;
    }

    /** Columns whose value changed, for UPDATE; null otherwise. */
    public List<String> changedColumns() {
        return changedColumns;
    }

    /** The DDL statement as TiCDC sent it (normalized by TiCDC, not the upstream text); null for row changes. */
    public String sql() {
        return sql;
    }

    /** The TiDB commit TSO as a string of digits (a TSO exceeds 2^53), or null without the TiDB extension. */
    public String commitTs() {
        return commitTs;
    }

    /** Physical commit time in epoch milliseconds (Canal's {@code es}). */
    public long commitMillis() {
        return commitMillis;
    }

    public Instant commitTime() {
        return Instant.ofEpochMilli(commitMillis);
    }

    /**
     * Idempotency key: hex SHA-256 that is equal for a change and every replay of it. Hashed on first use: the log sink
     * alone never asks for it.
     */
    public String eventKey() {
        if (eventKey == null) {
            eventKey = eventKeyHash.get();
        }
        return eventKey;
    }

    public Source source() {
        return source;
    }

    /** True when TiCDC sent only the handle-key columns because the row exceeded the message size limit. */
    public boolean keyOnly() {
        return keyOnly;
    }

    /** Where TiCDC stored the full row (claim-check large messages), or null. */
    public String claimCheckLocation() {
        return claimCheckLocation;
    }

    public String pkJson() {
        if (pkJson == null && pk != null) {
            pkJson = write(pk);
        }
        return pkJson;
    }

    public String beforeJson() {
        if (beforeJson == null && before != null) {
            beforeJson = write(before);
        }
        return beforeJson;
    }

    public String afterJson() {
        if (afterJson == null && after != null) {
            afterJson = write(after);
        }
        return afterJson;
    }

    public String changedColumnsJson() {
        if (changedColumnsJson == null && changedColumns != null) {
            changedColumnsJson = write(changedColumns);
        }
        return changedColumnsJson;
    }

    /**
     * The change in one concise line, as the log sink writes it: op, table, primary key, changed columns and commitTs
     * (a DDL: its type, schema and SQL). Rendered once.
     */
    public String summary() {
        if (summary == null) {
            summary = renderSummary();
        }
        return summary;
    }

    private String renderSummary() {
        StringBuilder b = new StringBuilder(160);
        if (op == Op.DDL) {
            b.append("DDL ").append(ddlType).append(' ').append(database);
            if (!table.isEmpty()) {
                b.append('.').append(table);
            }
            return b.append(" commitTs=").append(commitTs).append(" sql=").append(sql).toString();
        }
        b.append(op).append(' ').append(database).append('.').append(table).append(" pk={");
        if (pk != null) {
            String sep = "";
            for (Map.Entry<String, JsonNode> f : pk.properties()) {
                JsonNode v = f.getValue();
                b.append(sep).append(f.getKey()).append('=').append(v.isTextual() ? v.asText() : v.toString());
                sep = ", ";
            }
        }
        b.append('}');
        if (changedColumns != null) {
            b.append(" changed=").append(changedColumns);
        }
        b.append(" commitTs=").append(commitTs);
        if (keyOnly) {
            b.append(" keyOnly=true");
        }
        if (claimCheckLocation != null) {
            b.append(" claimCheck=").append(claimCheckLocation);
        }
        return b.toString();
    }

    /** Renders the JSON images the audit row stores now, on the calling thread, so that later calls only read them. */
    public void renderImages() {
        pkJson();
        beforeJson();
        afterJson();
        changedColumnsJson();
    }

    /** The change record as one line of JSON, without a line terminator. */
    public String json() {
        return new String(jsonBytes(), StandardCharsets.UTF_8);
    }

    /** The change record as one line of UTF-8 JSON, without a line terminator; rendered once. Do not modify. */
    public byte[] jsonBytes() {
        if (jsonBytes == null) {
            jsonBytes = ChangeRecordWriter.render(this);
        }
        return jsonBytes;
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + value.getClass().getSimpleName(), e);
        }
    }

    @Override
    public String toString() {
        return op + " " + database + "." + table + " eventKey=" + eventKey + " " + source;
    }

    /** Collects the fields of a change; the decoder is its only caller outside tests. */
    public static final class Builder {
        private Op op;
        private String ddlType;
        private String database = "";
        private String table = "";
        private ObjectNode pk;
        private ObjectNode before;
        private ObjectNode after;
        private List<String> changedColumns;
        private String sql;
        private String commitTs;
        private long commitMillis;
        private String eventKey;
        private Supplier<String> eventKeyHash;
        private Source source;
        private boolean keyOnly;
        private String claimCheckLocation;

        public Builder op(Op op) {
            this.op = op;
            return this;
        }

        public Builder ddlType(String ddlType) {
            this.ddlType = ddlType;
            return this;
        }

        public Builder database(String database) {
            this.database = database;
            return this;
        }

        public Builder table(String table) {
            this.table = table;
            return this;
        }

        public Builder pk(ObjectNode pk) {
            this.pk = pk;
            return this;
        }

        public Builder before(ObjectNode before) {
            this.before = before;
            return this;
        }

        public Builder after(ObjectNode after) {
            this.after = after;
            return this;
        }

        public Builder changedColumns(List<String> changedColumns) {
            this.changedColumns = changedColumns;
            return this;
        }

        public Builder sql(String sql) {
            this.sql = sql;
            return this;
        }

        public Builder commitTs(String commitTs) {
            this.commitTs = commitTs;
            return this;
        }

        public Builder commitMillis(long commitMillis) {
            this.commitMillis = commitMillis;
            return this;
        }

        public Builder eventKey(String eventKey) {
            this.eventKey = eventKey;
            return this;
        }

        /** The key as a hash still to be taken, on the first call of {@link ChangeEvent#eventKey}. */
        public Builder eventKey(Supplier<String> hash) {
            this.eventKeyHash = hash;
            return this;
        }

        public Builder source(Source source) {
            this.source = source;
            return this;
        }

        public Builder keyOnly(boolean keyOnly) {
            this.keyOnly = keyOnly;
            return this;
        }

        public Builder claimCheckLocation(String claimCheckLocation) {
            this.claimCheckLocation = claimCheckLocation;
            return this;
        }

        public ChangeEvent build() {
            return new ChangeEvent(this);
        }
    }
}
