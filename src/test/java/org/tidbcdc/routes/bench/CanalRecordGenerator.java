package org.tidbcdc.routes.bench;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * Canal-JSON records as TiCDC's encoder writes them (shared/ticdc/REFERENCE.md §1), for the benchmark: a seeded,
 * repeatable stream of INSERT, UPDATE (with the full {@code old} image, TiCDC's default) and DELETE records over six
 * tables of 5 to 50 columns of mixed types, one row per record, with increasing {@code _tidb.commitTs},
 * {@code es = commitTs >> 18}, the field order of TiCDC's DML writer, {@code mysqlType} keys in random order (a Go
 * map), every value a JSON string or null, and easyjson's escaping (HTML characters escaped). Each table goes to
 * one partition (TiCDC's table dispatcher: a hash of schema and table name), and a {@code TIDB_WATERMARK} goes to
 * every partition once per {@code watermarkEvery} changes, as TiCDC broadcasts its checkpoint.
 */
public final class CanalRecordGenerator {

    /** One Kafka record to send. */
    public record Generated(int partition, byte[] value, boolean watermark) {
    }

    private static final String DATABASE = "app_db";
    private static final String WORDS = "alpha beta gamma delta epsilon zeta theta kappa lambda omicron sigma omega "
            + "Zürich São-Paulo Kraków 東京 naïve café <b>bold</b> a&b \"quoted\" back\\slash tab\there";
    private static final String[] WORD = WORDS.split(" ");

    private final Random random;
    private final int partitions;
    private final int watermarkEvery;
    private final List<Table> tables;
    private final int totalWeight;
    private final List<Generated> pending = new ArrayList<>();
    private long physicalMillis;
    private int logical;
    private long lastCommitTs;
    private long changes;
    private boolean lastWasChange;

    /**
     * @param startMillis    the physical commit time of the first change
     * @param watermarkEvery changes between two watermark rounds (one watermark per partition each)
     */
    public CanalRecordGenerator(long seed, long startMillis, int partitions, int watermarkEvery) {
        this.random = new Random(seed);
        this.partitions = partitions;
        this.watermarkEvery = watermarkEvery;
        this.physicalMillis = startMillis;
        this.tables = tables();
        this.totalWeight = tables.stream().mapToInt(t -> t.weight).sum();
    }

    /** The partition TiCDC's table dispatcher picks for a table: a CRC32 of schema and table, modulo partitions. */
    public static int partitionOf(String database, String table, int partitions) {
        CRC32 crc = new CRC32();
        crc.update(database.getBytes(StandardCharsets.UTF_8));
        crc.update(table.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % partitions);
    }

    /** The next record: a change, or one of a round of watermarks. */
    public Generated next() {
        if (!pending.isEmpty()) {
            return pending.remove(0);
        }
        if (changes > 0 && changes % watermarkEvery == 0 && lastWasChange) {
            lastWasChange = false;
            long es = lastCommitTs >>> 18;
            for (int p = 0; p < partitions; p++) {
                pending.add(new Generated(p, watermark(lastCommitTs, es).getBytes(StandardCharsets.UTF_8), true));
            }
            return pending.remove(0);
        }
        lastWasChange = true;
        changes++;
        return change();
    }

    /** Changes generated so far (watermarks not counted). */
    public long changes() {
        return changes;
    }

    public List<String> tableNames() {
        return tables.stream().map(t -> t.name + " (" + t.columns.size() + " columns, partition " + t.partition + ")")
                .toList();
    }

    private Generated change() {
        Table t = pickTable();
        long commitTs = nextCommitTs();
        long es = commitTs >>> 18;
        long ts = es + 2 + random.nextInt(40);
        int roll = random.nextInt(100);
        String type;
        String[] data;
        String[] old = null;
        if (roll < 60 || t.nextId < 10) {
            type = "INSERT";
            data = t.row(t.nextId++, random, es);
        } else if (roll < 90) {
            type = "UPDATE";
            long id = 1 + (long) (random.nextDouble() * (t.nextId - 1));
            old = t.row(id, random, es - 1000 - random.nextInt(100_000));
            data = old.clone();
            int changed = 1 + random.nextInt(3);
            for (int i = 0; i < changed; i++) {
                int c = 1 + random.nextInt(t.columns.size() - 1);
                data[c] = t.columns.get(c).value(random, id, es);
            }
        } else {
            type = "DELETE";
            long id = 1 + (long) (random.nextDouble() * (t.nextId - 1));
            data = t.row(id, random, es - random.nextInt(1_000_000));
        }
        return new Generated(t.partition, dml(t, type, es, ts, commitTs, data, old).getBytes(StandardCharsets.UTF_8),
                false);
    }

    private Table pickTable() {
        int w = random.nextInt(totalWeight);
        for (Table t : tables) {
            w -= t.weight;
            if (w < 0) {
                return t;
            }
        }
        return tables.get(tables.size() - 1);
    }

    /** TSOs grow: a few changes share a physical millisecond, each with its own logical part. */
    private long nextCommitTs() {
        if (random.nextInt(4) == 0) {
            physicalMillis += 1 + random.nextInt(3);
            logical = 0;
        }
        logical += 1 + random.nextInt(3);
        lastCommitTs = (physicalMillis << 18) | logical;
        return lastCommitTs;
    }

    /** easyjson's DML order: id, database, table, pkNames, isDdl, type, es, ts, sql, sqlType, mysqlType, old, data. */
    private String dml(Table t, String type, long es, long ts, long commitTs, String[] data, String[] old) {
        StringBuilder b = new StringBuilder(256 + t.columns.size() * 40);
        b.append("{\"id\":0,\"database\":\"").append(DATABASE).append("\",\"table\":\"").append(t.name)
                .append("\",\"pkNames\":[\"").append(t.columns.get(0).name).append("\"],\"isDdl\":false,\"type\":\"")
                .append(type).append("\",\"es\":").append(es).append(",\"ts\":").append(ts)
                .append(",\"sql\":\"\",\"sqlType\":{");
        for (int i = 0; i < t.columns.size(); i++) {
            Column c = t.columns.get(i);
            b.append(i == 0 ? "" : ",").append('"').append(c.name).append("\":").append(c.sqlType(data[i]));
        }
        b.append("},\"mysqlType\":{");
        int[] order = shuffled(t.columns.size());
        for (int i = 0; i < order.length; i++) {
            Column c = t.columns.get(order[i]);
            b.append(i == 0 ? "" : ",").append('"').append(c.name).append("\":\"").append(c.kind.mysqlType).append('"');
        }
        b.append("},\"old\":");
        appendRow(b, t, old);
        b.append(",\"data\":");
        appendRow(b, t, data);
        b.append(",\"_tidb\":{\"commitTs\":").append(commitTs).append("}}");
        return b.toString();
    }

    private static void appendRow(StringBuilder b, Table t, String[] row) {
        if (row == null) {
            b.append("null");
            return;
        }
        b.append("[{");
        for (int i = 0; i < row.length; i++) {
            b.append(i == 0 ? "" : ",").append('"').append(t.columns.get(i).name).append("\":");
            if (row[i] == null) {
                b.append("null");
            } else {
                appendString(b, row[i]);
            }
        }
        b.append("}]");
    }

    /** Go's json.Marshal order for a watermark: … sqlType, mysqlType, data, old, _tidb. */
    private static String watermark(long watermarkTs, long es) {
        return "{\"id\":0,\"database\":\"\",\"table\":\"\",\"pkNames\":null,\"isDdl\":false,\"type\":\"TIDB_WATERMARK\","
                + "\"es\":" + es + ",\"ts\":" + (es + 5) + ",\"sql\":\"\",\"sqlType\":null,\"mysqlType\":null,"
                + "\"data\":null,\"old\":null,\"_tidb\":{\"watermarkTs\":" + watermarkTs + "}}";
    }

    private int[] shuffled(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
        return a;
    }

    /** easyjson's jwriter.String: quote, backslash, TAB, LF, CR; other controls and HTML chars as unicode escapes. */
    static void appendString(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '<', '>', '&', '\u2028', '\u2029' -> unicode(b, c);
                default -> {
                    if (c < 0x20) {
                        unicode(b, c);
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    private static void unicode(StringBuilder b, char c) {
        String hex = Integer.toHexString(c);
        b.append("\\u");
        for (int i = hex.length(); i < 4; i++) {
            b.append('0');
        }
        b.append(hex);
    }

    // ---- the schema ------------------------------------------------------------------------------------------------

    /** Column kinds with the default (not content-compatible) mysqlType TiCDC sends, and their java.sql.Types. */
    enum Kind {
        ID("bigint", -5), INT("int", 4), BIGINT_UNSIGNED("bigint unsigned", -5), TINYINT_UNSIGNED("tinyint unsigned", -6),
        BOOL("tinyint", -6), SMALLINT("smallint", 5), VARCHAR("varchar", 12), CHAR("char", 1), TEXT("text", 2005),
        DECIMAL("decimal", 3), DOUBLE("double", 8), FLOAT("float", 7), DATETIME("datetime", 93),
        TIMESTAMP("timestamp", 93), DATE("date", 91), JSON("json", 12), BLOB("blob", 2004), VARBINARY("varbinary", 2004),
        ENUM("enum", 4), SET("set", -7), BIT("bit", -7);

        final String mysqlType;
        final int sqlType;

        Kind(String mysqlType, int sqlType) {
            this.mysqlType = mysqlType;
            this.sqlType = sqlType;
        }
    }

    record Column(String name, Kind kind, boolean nullable) {

        /** TiCDC picks the java.sql.Types code of an unsigned integer by its value (getJavaSQLType). */
        int sqlType(String value) {
            if (value != null && kind == Kind.TINYINT_UNSIGNED && Integer.parseInt(value) > 127) {
                return 5;
            }
            if (value != null && kind == Kind.BIGINT_UNSIGNED && value.length() >= 19
                    && Long.parseUnsignedLong(value) < 0) {
                return 3;
            }
            return kind.sqlType;
        }

        String value(Random r, long id, long millis) {
            if (nullable && r.nextInt(10) == 0) {
                return null;
            }
            return switch (kind) {
                case ID -> Long.toString(id);
                case INT -> Integer.toString(r.nextInt(2_000_000) - 1_000_000);
                case BIGINT_UNSIGNED -> Long.toUnsignedString(r.nextInt(20) == 0 ? -1L - r.nextInt(1000)
                        : (r.nextLong() >>> 1));
                case TINYINT_UNSIGNED -> Integer.toString(r.nextInt(256));
                case BOOL -> r.nextBoolean() ? "1" : "0";
                case SMALLINT -> Integer.toString(r.nextInt(65536) - 32768);
                case VARCHAR -> words(r, 1 + r.nextInt(4));
                case CHAR -> String.valueOf((char) ('A' + r.nextInt(26))) + (char) ('A' + r.nextInt(26))
                        + (char) ('A' + r.nextInt(26));
                case TEXT -> words(r, 8 + r.nextInt(40)) + (r.nextInt(5) == 0 ? "\nsecond line\r\n" : "");
                case DECIMAL -> BigDecimal.valueOf(r.nextLong() % 10_000_000_000L, 2).toPlainString();
                case DOUBLE -> goFloat(r.nextDouble() * Math.pow(10, r.nextInt(8) - 3));
                case FLOAT -> goFloat((float) (r.nextGaussian() * 100));
                case DATETIME -> datetime(millis - r.nextInt(86_400_000), r.nextBoolean());
                case TIMESTAMP -> datetime(millis, false);
                case DATE -> datetime(millis - r.nextInt(1_000) * 86_400_000L, false).substring(0, 10);
                case JSON -> "{\"k\": \"" + WORD[r.nextInt(12)] + "\", \"n\": " + r.nextInt(1000)
                        + ", \"tags\": [\"a\", \"b\"], \"ok\": " + r.nextBoolean() + "}";
                case BLOB, VARBINARY -> bytes(r, kind == Kind.BLOB ? 16 + r.nextInt(200) : 16);
                case ENUM -> Integer.toString(1 + r.nextInt(5));
                case SET -> Integer.toString(r.nextInt(16));
                case BIT -> Integer.toString(r.nextInt(256));
            };
        }
    }

    private static String words(Random r, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : " ").append(WORD[r.nextInt(WORD.length)]);
        }
        return b.toString();
    }

    /** Raw bytes as TiCDC sends binary columns: each byte one ISO-8859-1 char. */
    private static String bytes(Random r, int n) {
        byte[] raw = new byte[n];
        r.nextBytes(raw);
        return new String(raw, StandardCharsets.ISO_8859_1);
    }

    /** strconv.FormatFloat(v, 'f', -1, 64): shortest, never an exponent, no trailing ".0". */
    private static String goFloat(double v) {
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }

    private static String goFloat(float v) {
        return new BigDecimal(Float.toString(v)).stripTrailingZeros().toPlainString();
    }

    private static String datetime(long millis, boolean fraction) {
        String s = java.time.LocalDateTime.ofEpochSecond(Math.floorDiv(millis, 1000), 0, java.time.ZoneOffset.UTC)
                .toString().replace('T', ' ');
        if (s.length() == 16) {
            s += ":00";
        }
        return fraction ? s + "." + String.format("%06d", Math.floorMod(millis, 1000) * 1000) : s;
    }

    final class Table {
        final String name;
        final List<Column> columns;
        final int weight;
        final int partition;
        long nextId = 1;

        Table(String name, int weight, List<Column> columns) {
            this.name = name;
            this.weight = weight;
            this.columns = columns;
            this.partition = partitionOf(DATABASE, name, partitions);
        }

        String[] row(long id, Random r, long millis) {
            String[] row = new String[columns.size()];
            for (int i = 0; i < row.length; i++) {
                row[i] = columns.get(i).value(r, id, millis);
            }
            return row;
        }
    }

    private static Column col(String name, Kind kind) {
        return new Column(name, kind, false);
    }

    private static Column nullable(String name, Kind kind) {
        return new Column(name, kind, true);
    }

    private List<Table> tables() {
        List<Table> out = new ArrayList<>();
        out.add(new Table("users", 15, List.of(col("id", Kind.ID), col("username", Kind.VARCHAR),
                col("email", Kind.VARCHAR), nullable("age", Kind.TINYINT_UNSIGNED), col("balance", Kind.DECIMAL),
                col("active", Kind.BOOL), nullable("avatar", Kind.BLOB), col("created_at", Kind.TIMESTAMP))));
        out.add(new Table("orders", 30, List.of(col("id", Kind.ID), col("user_id", Kind.INT),
                col("status", Kind.ENUM), col("amount", Kind.DECIMAL), col("currency", Kind.CHAR),
                col("tags", Kind.SET), col("flags", Kind.BIT), col("score", Kind.DOUBLE), nullable("note", Kind.TEXT),
                nullable("attributes", Kind.JSON), col("ordered_on", Kind.DATE), col("created_at", Kind.DATETIME),
                col("updated_at", Kind.TIMESTAMP), col("external_ref", Kind.BIGINT_UNSIGNED))));
        out.add(new Table("order_items", 25, List.of(col("id", Kind.ID), col("order_id", Kind.INT),
                col("sku", Kind.VARCHAR), col("qty", Kind.SMALLINT), col("price", Kind.DECIMAL),
                col("discount", Kind.FLOAT), col("updated_at", Kind.TIMESTAMP))));
        out.add(new Table("events", 15, List.of(col("id", Kind.ID), col("kind", Kind.VARCHAR),
                col("at", Kind.DATETIME), col("hash", Kind.VARBINARY), nullable("payload", Kind.JSON))));
        List<Column> products = new ArrayList<>(List.of(col("id", Kind.ID), col("name", Kind.VARCHAR),
                nullable("description", Kind.TEXT), col("price", Kind.DECIMAL), col("weight", Kind.DOUBLE),
                col("stock", Kind.INT), col("category", Kind.ENUM), col("labels", Kind.SET),
                col("visible", Kind.BOOL), nullable("thumbnail", Kind.BLOB), col("specs", Kind.JSON),
                col("created_at", Kind.DATETIME), col("updated_at", Kind.TIMESTAMP)));
        for (int i = products.size(); i < 20; i++) {
            products.add(nullable("attr_" + i, i % 2 == 0 ? Kind.VARCHAR : Kind.INT));
        }
        out.add(new Table("products", 10, products));
        Kind[] cycle = {Kind.INT, Kind.DOUBLE, Kind.DECIMAL, Kind.VARCHAR, Kind.BIGINT_UNSIGNED, Kind.TIMESTAMP,
            Kind.BOOL, Kind.FLOAT, Kind.BIT, Kind.CHAR};
        List<Column> wide = new ArrayList<>(List.of(col("id", Kind.ID)));
        for (int i = 1; i < 50; i++) {
            Kind k = cycle[i % cycle.length];
            wide.add(i % 7 == 0 ? nullable("m" + i, k) : col("m" + i, k));
        }
        out.add(new Table("wide_metrics", 5, wide));
        return out;
    }

    /** The tables, for the report: name, column count and partition. */
    @Override
    public String toString() {
        return String.join(", ", tableNames()) + "; a watermark on each of " + partitions + " partitions every "
                + watermarkEvery + " changes";
    }
}
