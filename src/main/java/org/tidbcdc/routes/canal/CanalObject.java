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
    private static final int TSO_PHYSICAL_BITS = 46;

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
        return withinLength(field, text(field), MAX_IDENTIFIER, ", which TiDB does not allow");
    }

    String optionalText(String field) {
        return isAbsent(node.get(field)) ? null : text(field);
    }

    /** A string of at most {@code maxChars} characters (code points), or null when absent. */
    String optionalText(String field, int maxChars) {
        return isAbsent(node.get(field)) ? null : withinLength(field, text(field), maxChars, "");
    }

    private String withinLength(String field, String value, int maxChars, String why) {
        if (value.length() > maxChars && value.codePointCount(0, value.length()) > maxChars) {
            throw new CanalFormatException("`" + pathOf(field) + "` is longer than " + maxChars + " characters" + why);
        }
        return value;
    }

    /**
     * A commit time in milliseconds ({@code es}): the physical part of a TSO, which has 46 bits (up to the year 4199),
     * so anything else is damage, and would not fit the audit table's DATETIME either.
     */
    long commitMillis(String field) {
        long millis = int64(field);
        if (millis < 0 || millis >= 1L << TSO_PHYSICAL_BITS) {
            throw new CanalFormatException("`" + pathOf(field) + "` is not a TSO's physical time in ms: " + millis);
        }
        return millis;
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

    String pathOf(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
