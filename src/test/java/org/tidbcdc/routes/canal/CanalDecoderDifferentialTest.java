package org.tidbcdc.routes.canal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;
import org.tidbcdc.routes.bench.CanalRecordGenerator;

/**
 * The streaming decoder decodes every record exactly as the tree decoder did: the same changes (every field, every
 * typed value with its JSON node type, the rendered change record) or the same error. One streaming decoder sees all
 * records in turn, so its held table schemas are exercised as in the pipeline, DDL-like schema changes included.
 */
class CanalDecoderDifferentialTest {

    private static final Source SOURCE = new Source("cdc", 1, 7);

    private final CanalDecoder tree = CanalDecoder.treeOnly(ClaimCheckStore.NONE, ValueCompression.NONE);
    private final CanalDecoder streaming = new CanalDecoder();

    @Test
    void everyFixtureDecodesTheSame() {
        for (String name : Fixtures.names()) {
            assertSame(Fixtures.bytes(name.substring(0, 2)), name);
        }
    }

    @Test
    void theBenchmarkGeneratorsRecordsDecodeTheSame() {
        CanalRecordGenerator generator = new CanalRecordGenerator(42, 1_735_689_600_000L, 3, 1000);
        for (int i = 0; i < 20_000; i++) {
            assertSame(generator.next().value(), "generated record " + i);
        }
    }

    /** Else the test above would compare the tree decoder with itself. */
    @Test
    void theStreamingDecoderTakesEveryGeneratedRowChangeItself() {
        CanalRecordGenerator generator = new CanalRecordGenerator(42, 1_735_689_600_000L, 3, 1000);
        StreamingDml streamingOnly = new StreamingDml(false);
        int changes = 0;
        for (int i = 0; i < 5_000; i++) {
            CanalRecordGenerator.Generated g = generator.next();
            if (!g.watermark()) {
                assertThat(streamingOnly.decode(g.value(), SOURCE)).as("generated record " + i).isNotNull();
                changes++;
            }
        }
        assertThat(changes).isGreaterThan(4_900);
    }

    /**
     * Damaged and reshaped records, mixed with intact ones: each fails with the same message, or decodes the same where
     * the tree decoder accepts it (a partial old image, a column mysqlType leaves out, a changed schema).
     */
    @Test
    void damagedAndReshapedRecordsDecodeOrFailTheSame() throws Exception {
        CanalRecordGenerator generator = new CanalRecordGenerator(7, 1_735_689_600_000L, 3, 50);
        Random random = new Random(11);
        List<byte[]> seeds = new ArrayList<>();
        for (String name : Fixtures.names()) {
            seeds.add(Fixtures.bytes(name.substring(0, 2)));
        }
        for (int i = 0; i < 6_000; i++) {
            byte[] record = i % 3 == 0 ? seeds.get(random.nextInt(seeds.size())) : generator.next().value();
            assertSame(record, "intact record " + i);
            byte[] damaged = mutate(record, random);
            assertSame(damaged, "mutation " + i + ": " + new String(damaged, StandardCharsets.UTF_8));
        }
    }

    private byte[] mutate(byte[] record, Random random) throws Exception {
        int kind = random.nextInt(10);
        if (kind == 0) {
            return java.util.Arrays.copyOf(record, random.nextInt(record.length));
        }
        if (kind == 1) {
            byte[] copy = record.clone();
            String bytes = "{}[],:\"0n -\\x";
            copy[random.nextInt(copy.length)] = (byte) bytes.charAt(random.nextInt(bytes.length()));
            return copy;
        }
        if (kind == 2) {
            // a repeated key: the tree keeps the last value
            String json = new String(record, StandardCharsets.UTF_8);
            String[] keys = {"\"type\":", "\"database\":", "\"es\":", "\"mysqlType\":{", "\"data\":[{", "\"old\":[{",
                "\"_tidb\":{", "\"pkNames\":"};
            String key = keys[random.nextInt(keys.length)];
            int at = json.indexOf(key);
            if (at < 0) {
                return record;
            }
            String repeated = key.endsWith("{") ? key + "\"id\":\"7\"," : key + "\"DELETE\",";
            return (json.substring(0, at) + repeated + json.substring(at + key.length()))
                    .getBytes(StandardCharsets.UTF_8);
        }
        ObjectNode root;
        try {
            root = (ObjectNode) CanalJson.MAPPER.readTree(record);
        } catch (Exception e) {
            return record;
        }
        List<String> fields = new ArrayList<>();
        root.fieldNames().forEachRemaining(fields::add);
        String field = fields.get(random.nextInt(fields.size()));
        JsonNode[] odd = {NullNode.instance, IntNode.valueOf(3), TextNode.valueOf("x"), root.arrayNode(),
            root.objectNode(), TextNode.valueOf("UPDATE"), root.booleanNode(true), root.numberNode(-1L),
            root.numberNode(new java.math.BigInteger("18446744073709551616"))};
        switch (kind) {
            case 3 -> root.remove(field);
            case 4 -> root.set(field, odd[random.nextInt(odd.length)]);
            case 5 -> mutateRows(root, "data", random, odd);
            case 6 -> mutateRows(root, "old", random, odd);
            case 7 -> {
                // a schema change: one column's type differs, or is dropped from mysqlType
                JsonNode types = root.get("mysqlType");
                if (types instanceof ObjectNode o && o.size() > 0) {
                    String column = nth(o.fieldNames(), random.nextInt(o.size()));
                    if (random.nextBoolean()) {
                        o.remove(column);
                    } else {
                        o.put(column, new String[] {"int", "varchar", "tinyint unsigned", "blob", "enum('a','b')",
                            "json", "decimal"}[random.nextInt(7)]);
                    }
                }
            }
            case 8 -> {
                JsonNode tidb = root.get("_tidb");
                if (tidb instanceof ObjectNode o) {
                    String[] keys = {"commitTs", "watermarkTs", "onlyHandleKey", "claimCheckLocation"};
                    o.set(keys[random.nextInt(keys.length)], odd[random.nextInt(odd.length)]);
                }
            }
            default -> {
                JsonNode names = root.get("pkNames");
                if (names instanceof ArrayNode a) {
                    a.add(random.nextBoolean() ? TextNode.valueOf("no_such_column") : IntNode.valueOf(1));
                }
            }
        }
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void mutateRows(ObjectNode root, String field, Random random, JsonNode[] odd) {
        JsonNode rows = root.get(field);
        if (!(rows instanceof ArrayNode a) || a.isEmpty() || !(a.get(0) instanceof ObjectNode row) || row.isEmpty()) {
            return;
        }
        String column = nth(row.fieldNames(), random.nextInt(row.size()));
        switch (random.nextInt(4)) {
            case 0 -> row.remove(column);
            case 1 -> row.set(column, odd[random.nextInt(odd.length)]);
            case 2 -> row.put(column, "not a value of its type \u00e9\u6771");
            default -> a.add(row.deepCopy());
        }
    }

    private static String nth(Iterator<String> names, int n) {
        for (int i = 0; i < n; i++) {
            names.next();
        }
        return names.next();
    }

    private void assertSame(byte[] record, String what) {
        assertThat(outcome(streaming, record)).as(what).isEqualTo(outcome(tree, record));
    }

    private static List<Object> outcome(CanalDecoder decoder, byte[] record) {
        List<Object> out = new ArrayList<>();
        try {
            DecodedRecord decoded = decoder.decode(record, SOURCE);
            out.add(decoded.isWatermark() ? decoded.watermarkTs() : "changes");
            for (ChangeEvent e : decoded.events()) {
                out.addAll(java.util.Arrays.asList(e.op(), e.ddlType(), e.database(), e.table(), e.pk(), e.before(),
                        e.after(), e.changedColumns(), e.sql(), e.commitTs(), e.commitMillis(), e.eventKey(),
                        e.source(), e.keyOnly(), e.claimCheckLocation(), e.summary(), e.json(), e.pkJson(),
                        e.beforeJson(), e.afterJson(), e.changedColumnsJson(), nodeTypes(e.before()),
                        nodeTypes(e.after())));
            }
        } catch (RuntimeException e) {
            out.add(e.getClass().getName() + ": " + e.getMessage());
        }
        return out;
    }

    /** The Java class of every value of an image: IntNode and LongNode render alike but are not the same. */
    private static String nodeTypes(ObjectNode image) {
        if (image == null) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        image.properties().forEach(p -> b.append(p.getKey()).append('=').append(p.getValue().getClass().getSimpleName())
                .append(' '));
        return b.toString();
    }
}
