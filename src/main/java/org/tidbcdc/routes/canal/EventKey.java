package org.tidbcdc.routes.canal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The idempotency key of a change: lowercase hex SHA-256 of a canonical JSON array (compact, object keys sorted by
 * UTF-16 code units at every depth, UTF-8, big decimals in plain notation). With a commitTs the array names the change
 * itself, so a replay at any offset hashes the same; without one, only the Kafka coordinates identify it.
 */
final class EventKey {

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(EventKey::newDigest);
    private static final HexFormat HEX = HexFormat.of();

    private EventKey() {
    }

    /** {@code identity} is the typed primary key, or the whole typed row image when the table has no primary key. */
    static String forRow(String database, String table, Op op, String commitTs, JsonNode identity) {
        return hash(g -> {
            g.writeString(database);
            g.writeString(table);
            g.writeString(op.name());
            g.writeString(commitTs);
            writeCanonical(g, identity);
        });
    }

    static String forDdl(String database, String table, String commitTs, String sql) {
        return hash(g -> {
            g.writeString(database);
            g.writeString(table);
            g.writeString(Op.DDL.name());
            g.writeString(commitTs);
            g.writeString(sql);
        });
    }

    static String forOffset(Source source, int rowIndex) {
        return hash(g -> {
            g.writeString("kafka");
            g.writeString(source.topic());
            g.writeNumber(source.partition());
            g.writeNumber(source.offset());
            g.writeNumber(rowIndex);
        });
    }

    private static String hash(Elements elements) {
        MessageDigest digest = SHA_256.get();
        digest.reset();
        JsonFactory factory = CanalJson.MAPPER.getFactory();
        try (JsonGenerator g = factory.createGenerator(new DigestStream(digest), JsonEncoding.UTF8)) {
            g.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
            g.writeStartArray();
            elements.write(g);
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HEX.formatHex(digest.digest());
    }

    private static void writeCanonical(JsonGenerator g, JsonNode node) throws IOException {
        if (node.isObject()) {
            List<String> names = new ArrayList<>(node.size());
            node.fieldNames().forEachRemaining(names::add);
            Collections.sort(names);
            g.writeStartObject();
            for (String name : names) {
                g.writeFieldName(name);
                writeCanonical(g, node.get(name));
            }
            g.writeEndObject();
        } else if (node.isArray()) {
            g.writeStartArray();
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                writeCanonical(g, it.next());
            }
            g.writeEndArray();
        } else {
            writeScalar(g, node);
        }
    }

    private static void writeScalar(JsonGenerator g, JsonNode node) throws IOException {
        if (node.isTextual()) {
            g.writeString(node.textValue());
        } else if (node.isNull()) {
            g.writeNull();
        } else if (node.isBoolean()) {
            g.writeBoolean(node.booleanValue());
        } else if (node.isIntegralNumber() && node.canConvertToLong()) {
            g.writeNumber(node.longValue());
        } else if (node.isIntegralNumber()) {
            g.writeNumber(node.bigIntegerValue());
        } else if (node.isNumber()) {
            g.writeNumber(node.decimalValue());
        } else {
            throw new IllegalArgumentException("no canonical form for a " + node.getNodeType() + " node");
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @FunctionalInterface
    private interface Elements {
        void write(JsonGenerator g) throws IOException;
    }

    /** Streams the canonical JSON into the digest instead of building it as a string first. */
    private static final class DigestStream extends OutputStream {
        private final MessageDigest digest;

        DigestStream(MessageDigest digest) {
            this.digest = digest;
        }

        @Override
        public void write(int b) {
            digest.update((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            digest.update(b, off, len);
        }
    }
}
