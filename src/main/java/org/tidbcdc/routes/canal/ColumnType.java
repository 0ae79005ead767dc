package org.tidbcdc.routes.canal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A column type parsed from Canal's {@code mysqlType} ("int(11) unsigned zerofill", "enum('a','b')", "decimal"). TiCDC
 * sends every value as a string; this turns it back into the JSON value its type calls for, and rejects a value that
 * cannot belong to the type, because such a record is corrupt and retrying will not fix it.
 */
final class ColumnType {

    enum Kind {
        INTEGER, BIT, DECIMAL, FLOAT, JSON, BINARY, ENUM, SET, TEXT
    }

    /** Columns missing from mysqlType, and types this decoder does not know, keep the string TiCDC sent. */
    static final ColumnType TEXT = new ColumnType("text", Kind.TEXT, 0, false, null);

    /** Distinct mysqlType strings are bounded by the schemas replicated; the cap only guards against a flood. */
    private static final int CACHE_LIMIT = 4096;
    private static final Map<String, ColumnType> CACHE = new ConcurrentHashMap<>();

    /** MySQL allows at most 65535 enum members. */
    private static final long MAX_ENUM_INDEX = 65535;
    private static final int MAX_SHOWN_CHARS = 64;

    private final String declared;
    private final Kind kind;
    private final int bits;
    private final boolean unsigned;
    private final List<String> labels;

    private ColumnType(String declared, Kind kind, int bits, boolean unsigned, List<String> labels) {
        this.declared = declared;
        this.kind = kind;
        this.bits = bits;
        this.unsigned = unsigned;
        this.labels = labels;
    }

    static ColumnType of(String mysqlType) {
        ColumnType type = CACHE.get(mysqlType);
        if (type == null) {
            type = parse(mysqlType);
            if (CACHE.size() >= CACHE_LIMIT) {
                CACHE.clear();
            }
            CACHE.put(mysqlType, type);
        }
        return type;
    }

    Kind kind() {
        return kind;
    }

    /** Integer width in bits, or the n of bit(n); 0 for other kinds. */
    int bits() {
        return bits;
    }

    boolean unsigned() {
        return unsigned;
    }

    /** Enum or set members from a content-compatible mysqlType; null when the type names no members. */
    List<String> labels() {
        return labels;
    }

    /**
     * The typed value of a non-null raw string. The raw node is returned as is where the type keeps the text, which
     * saves a copy per value.
     */
    JsonNode toJson(TextNode raw) {
        String v = raw.textValue();
        try {
            switch (kind) {
                case INTEGER:
                    return integer(v);
                case BIT:
                    return bit(v);
                case DECIMAL:
                    // parsed only to reject non-numbers: the text keeps the column's scale exactly
                    new BigDecimal(v);
                    return raw;
                case FLOAT:
                    return DecimalNode.valueOf(new BigDecimal(v));
                case JSON:
                    return json(v);
                case BINARY:
                    return binary(v);
                case ENUM:
                    return enumValue(v);
                case SET:
                    return setValue(v);
                default:
                    return raw;
            }
        } catch (NumberFormatException e) {
            throw mismatch(v, "not a number of this type");
        }
    }

    private JsonNode integer(String v) {
        if (unsigned) {
            long n = Long.parseUnsignedLong(v);
            if (bits < 64 && Long.compareUnsigned(n, (1L << bits) - 1) > 0) {
                throw mismatch(v, "out of range");
            }
            return unsignedNumber(n);
        }
        long n = Long.parseLong(v);
        if (bits < 64 && (n < -(1L << (bits - 1)) || n > (1L << (bits - 1)) - 1)) {
            throw mismatch(v, "out of range");
        }
        return number(n);
    }

    private JsonNode bit(String v) {
        long n = Long.parseUnsignedLong(v);
        if (bits < 64 && n >>> bits != 0) {
            throw mismatch(v, "wider than " + bits + " bits");
        }
        return unsignedNumber(n);
    }

    private JsonNode json(String v) {
        JsonNode tree;
        try {
            tree = CanalJson.MAPPER.readTree(v);
        } catch (JsonProcessingException e) {
            throw mismatch(v, "invalid JSON: " + e.getOriginalMessage());
        }
        if (tree.isMissingNode()) {
            throw mismatch(v, "empty JSON document");
        }
        return tree;
    }

    /** TiCDC maps each byte to one ISO-8859-1 char; a char above U+00FF cannot come from a byte. */
    private JsonNode binary(String v) {
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) > 0xFF) {
                throw mismatch(v, String.format("char U+%04X at index %d is not a byte", (int) v.charAt(i), i));
            }
        }
        return TextNode.valueOf(Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** TiCDC sends the 1-based member index; 0 is MySQL's empty error member. */
    private JsonNode enumValue(String v) {
        long index = Long.parseUnsignedLong(v);
        if (labels == null) {
            if (index > MAX_ENUM_INDEX) {
                throw mismatch(v, "enum index out of range");
            }
            return number(index);
        }
        if (index > labels.size()) {
            throw mismatch(v, "enum index out of range 0.." + labels.size());
        }
        return TextNode.valueOf(index == 0 ? "" : labels.get((int) index - 1));
    }

    /** TiCDC sends the member bitmask; members are joined in definition order as MySQL shows them. */
    private JsonNode setValue(String v) {
        long mask = Long.parseUnsignedLong(v);
        if (labels == null) {
            return unsignedNumber(mask);
        }
        if (labels.size() < 64 && mask >>> labels.size() != 0) {
            throw mismatch(v, "set bits beyond the " + labels.size() + " members");
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < labels.size(); i++) {
            if ((mask & (1L << i)) != 0) {
                if (out.length() > 0) {
                    out.append(',');
                }
                out.append(labels.get(i));
            }
        }
        return TextNode.valueOf(out.toString());
    }

    private static JsonNode number(long n) {
        return n == (int) n ? IntNode.valueOf((int) n) : LongNode.valueOf(n);
    }

    private static JsonNode unsignedNumber(long n) {
        return n >= 0 ? number(n) : BigIntegerNode.valueOf(new BigInteger(Long.toUnsignedString(n)));
    }

    private CanalFormatException mismatch(String value, String why) {
        return new CanalFormatException("value \"" + shown(value) + "\" does not fit " + declared + ": " + why);
    }

    /** Enough of the value to recognise it in a log line: shortened, control chars (NUL padding of binary) escaped. */
    private static String shown(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(value.length(), MAX_SHOWN_CHARS); i++) {
            char c = value.charAt(i);
            if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return value.length() > MAX_SHOWN_CHARS ? out.append("...").toString() : out.toString();
    }

    private static ColumnType parse(String mysqlType) {
        String s = mysqlType.trim();
        int i = 0;
        while (i < s.length() && s.charAt(i) != '(' && !Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        String base = s.substring(0, i).toLowerCase(Locale.ROOT);
        String args = null;
        if (i < s.length() && s.charAt(i) == '(') {
            int close = TypeArguments.closingParen(s, i);
            if (close < 0) {
                return new ColumnType(s, Kind.TEXT, 0, false, null);
            }
            args = s.substring(i + 1, close);
            i = close + 1;
        }
        boolean unsigned = hasWord(s.substring(i).toLowerCase(Locale.ROOT), "unsigned");
        return describe(s, base, args, unsigned);
    }

    private static ColumnType describe(String declared, String base, String args, boolean unsigned) {
        int intBits = integerBits(base);
        if (intBits > 0) {
            return new ColumnType(declared, Kind.INTEGER, intBits, unsigned, null);
        }
        switch (base) {
            case "bit":
                return new ColumnType(declared, Kind.BIT, TypeArguments.width(args, 64), true, null);
            case "decimal":
            case "numeric":
            case "dec":
            case "fixed":
                return new ColumnType(declared, Kind.DECIMAL, 0, unsigned, null);
            case "float":
            case "double":
            case "real":
            case "float4":
            case "float8":
                return new ColumnType(declared, Kind.FLOAT, 0, unsigned, null);
            case "json":
                return new ColumnType(declared, Kind.JSON, 0, false, null);
            case "enum":
            case "set":
                return members(declared, base, args);
            default:
                // the rule of TiCDC's own decoder (IsBinaryMySQLType), applied to the type name only so that an
                // enum member called 'binary' does not turn the enum into bytes
                Kind kind = base.contains("blob") || base.contains("binary") ? Kind.BINARY : Kind.TEXT;
                return new ColumnType(declared, kind, 0, false, null);
        }
    }

    private static ColumnType members(String declared, String base, String args) {
        Kind kind = "enum".equals(base) ? Kind.ENUM : Kind.SET;
        List<String> labels = args == null ? null : TypeArguments.quotedList(args);
        if (args != null && labels == null) {
            return new ColumnType(declared, Kind.TEXT, 0, false, null);
        }
        return new ColumnType(declared, kind, 0, false, labels == null ? null : List.copyOf(labels));
    }

    private static int integerBits(String base) {
        switch (base) {
            case "tinyint":
            case "bool":
            case "boolean":
            case "int1":
                return 8;
            case "smallint":
            case "int2":
                return 16;
            case "mediumint":
            case "middleint":
            case "int3":
                return 24;
            case "int":
            case "integer":
            case "int4":
                return 32;
            case "bigint":
            case "int8":
                return 64;
            default:
                return 0;
        }
    }

    private static boolean hasWord(String text, String word) {
        for (String w : text.trim().split("\\s+")) {
            if (w.equals(word)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return declared + " -> " + kind;
    }
}
