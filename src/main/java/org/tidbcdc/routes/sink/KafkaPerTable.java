package org.tidbcdc.routes.sink;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.tidbcdc.routes.canal.CanalJson;
import org.tidbcdc.routes.canal.ChangeEvent;

/**
 * The rules of the example sink examples/sinks/kafka-per-table.camel.yaml: the topic of a table and the key of a row.
 *
 * <p>A topic is {@code <prefix>.<database>.<table>}. Kafka accepts only {@code [a-zA-Z0-9._-]} and 249 characters, and
 * '.' separates the parts, so each name keeps {@code [a-zA-Z0-9_]} and every other UTF-8 byte, '.' and '-' included,
 * becomes {@code -XX} (two upper-case hex digits): distinct tables get distinct topics. A topic longer than 249 is cut
 * and ends in {@code --} and 16 hex digits of the SHA-256 of the full name ({@code --} never comes out of the escape).
 *
 * <p>The key is the row's primary key as Debezium keys a record, with the database and the table, in canonical JSON
 * (no spaces, columns sorted by name): {@code {"database":"app_db","table":"users","pk":{"id":1}}}. Every change of a
 * row then lands on one partition. A DDL's key has no {@code pk}; a table without a primary key has {@code "pk":{}},
 * so all its changes share one partition.
 */
public final class KafkaPerTable {

    static final int MAX_TOPIC = 249;
    private static final Pattern LEGAL_PREFIX = Pattern.compile("[a-zA-Z0-9._-]{1,100}");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private String prefix = "cdc";

    /** The first part of every topic; the setting that the example's YAML passes in is named in the error. */
    public void setPrefix(String prefix) {
        if (prefix == null || !LEGAL_PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("KAFKA_PER_TABLE_PREFIX must be 1 to 100 of [a-zA-Z0-9._-], not '"
                    + prefix + "'");
        }
        this.prefix = prefix;
    }

    public String getPrefix() {
        return prefix;
    }

    /** The topic of the table's row changes. */
    public String topic(@Header("cdcDatabase") String database, @Header("cdcTable") String table) {
        return topic(prefix, database, table);
    }

    static String topic(String prefix, String database, String table) {
        String topic = prefix + "." + escape(database) + "." + escape(table);
        if (topic.length() <= MAX_TOPIC) {
            return topic;
        }
        return topic.substring(0, MAX_TOPIC - 18) + "--"
                + SafeName.sha256(prefix + "." + database + "." + table).substring(0, 16);
    }

    static String escape(String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(utf8.length + 8);
        for (byte value : utf8) {
            int b = value & 0xFF;
            if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || b == '_') {
                out.append((char) b);
            } else {
                out.append('-').append(HEX[b >> 4]).append(HEX[b & 0xF]);
            }
        }
        return out.toString();
    }

    /**
     * The record key of one change of the sink's split. The change is the body: the decoder's {@link ChangeEvent}
     * when the dispatch hands it on, read directly; otherwise its change record JSON, read for its {@code pk}.
     */
    public String key(Message change) {
        return rowKey(change);
    }

    /** The key of {@link #key}: also what groups one row's changes elsewhere. */
    public static String rowKey(Message change) {
        String database = change.getHeader("cdcDatabase", String.class);
        String table = change.getHeader("cdcTable", String.class);
        Object body = change.getBody();
        JsonNode pk;
        if (body instanceof ChangeEvent event) {
            pk = event.pk();
        } else {
            String json = change.getBody(String.class);
            try {
                pk = CanalJson.MAPPER.readTree(json).get("pk");
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("the change of " + database + "." + table
                        + " is no change record JSON: " + e.getOriginalMessage(), e);
            }
        }
        return key(database, table, pk);
    }

    static String key(String database, String table, JsonNode pk) {
        ObjectNode key = JsonNodeFactory.instance.objectNode();
        key.put("database", database);
        key.put("table", table);
        if (pk != null && pk.isObject()) {
            ObjectNode columns = key.putObject("pk");
            List<String> names = new ArrayList<>();
            pk.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            for (String name : names) {
                columns.set(name, pk.get(name));
            }
        }
        try {
            return CanalJson.MAPPER.writeValueAsString(key);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the key of " + database + "." + table, e);
        }
    }

}
