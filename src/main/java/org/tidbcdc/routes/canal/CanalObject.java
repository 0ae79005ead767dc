package org.tidbcdc.routes.canal;

import java.math.BigInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A JSON object of a Canal-JSON record with typed reads of its fields. A field of the wrong JSON type means the record
 * was not written by TiCDC's encoder (or was damaged on the way), so every mismatch is a {@link CanalFormatException}
 * naming the field by its path.
 */
final class CanalObject {

    static final int MAX_IDENTIFIER = 64;

    private static final int UINT64_BITS = 64;

    private final ObjectNode node;
    private final String path;

    private CanalObject(ObjectNode node, String path) {
        this.node = node;
        this.path = path;
    }

    static CanalObject of(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw wrongType(path, "an object", node);
        }
        return new CanalObject((ObjectNode) node, path);
    }

    static boolean isAbsent(JsonNode node) {
        return node == null || node.isNull();
    }

    static CanalFormatException wrongType(String path, String expected, JsonNode actual) {
        String got = actual == null ? "nothing" : actual.getNodeType().name();
        return new CanalFormatException("`" + path + "` must be " + expected + ", got " + got);
    }

    ObjectNode node() {
        return node;
    }

    String path() {
        return path;
    }

    JsonNode get(String field) {
        return node.get(field);
    }

    String text(String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw wrongType(pathOf(field), "a string", value);
        }
        return value.textValue();
    }

    /**
     * A schema or table name. TiDB caps identifiers at 64 characters, so a longer one did not come from TiCDC; letting
     * it through would fail every audit insert of its batch for good.
     */
    String identifier(String field) {
        String name = text(field);
        if (name.codePointCount(0, name.length()) > MAX_IDENTIFIER) {
            throw new CanalFormatException("`" + pathOf(field) + "` is longer than " + MAX_IDENTIFIER
                    + " characters, which TiDB does not allow");
        }
        return name;
    }

    String optionalText(String field) {
        return isAbsent(node.get(field)) ? null : text(field);
    }

    boolean bool(String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isBoolean()) {
            throw wrongType(pathOf(field), "a boolean", value);
        }
        return value.booleanValue();
    }

    boolean optionalBool(String field) {
        return !isAbsent(node.get(field)) && bool(field);
    }

    long int64(String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw wrongType(pathOf(field), "a 64-bit integer", value);
        }
        return value.longValue();
    }

    /** A TSO is an unsigned 64-bit integer; it is read from the parsed digits, never through a double. */
    BigInteger optionalUint64(String field) {
        JsonNode value = node.get(field);
        if (isAbsent(value)) {
            return null;
        }
        BigInteger n = value.isIntegralNumber() ? value.bigIntegerValue() : null;
        if (n == null || n.signum() < 0 || n.bitLength() > UINT64_BITS) {
            throw wrongType(pathOf(field), "an unsigned 64-bit integer", value);
        }
        return n;
    }

    CanalObject optionalObject(String field) {
        JsonNode value = node.get(field);
        return isAbsent(value) ? null : of(value, pathOf(field));
    }

    ArrayNode array(String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray()) {
            throw wrongType(pathOf(field), "an array", value);
        }
        return (ArrayNode) value;
    }

    ArrayNode optionalArray(String field) {
        return isAbsent(node.get(field)) ? null : array(field);
    }

    private String pathOf(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
