package org.tidbcdc.routes.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.tidbcdc.routes.canal.CanalDecoder;
import org.tidbcdc.routes.canal.ChangeEvent;
import org.tidbcdc.routes.canal.DecodedRecord;
import org.tidbcdc.routes.canal.Op;
import org.tidbcdc.routes.canal.Source;

/** The benchmark's records are what the pipeline accepts: every one decodes, none is dead-lettered. */
class CanalRecordGeneratorTest {

    @Test
    void everyRecordDecodesAndTheMixCoversOpsTablesPartitionsAndWatermarks() {
        CanalRecordGenerator gen = new CanalRecordGenerator(42, 1_735_689_600_000L, 3, 500);
        CanalDecoder decoder = new CanalDecoder();
        Map<Op, Integer> ops = new EnumMap<>(Op.class);
        Set<String> tables = new HashSet<>();
        Set<Integer> partitions = new HashSet<>();
        Set<String> keys = new HashSet<>();
        int watermarks = 0;
        for (int i = 0; i < 20_000; i++) {
            CanalRecordGenerator.Generated g = gen.next();
            partitions.add(g.partition());
            DecodedRecord d = decoder.decode(g.value(), new Source("t", g.partition(), i));
            assertThat(d.isWatermark()).isEqualTo(g.watermark());
            if (d.isWatermark()) {
                watermarks++;
            }
            for (ChangeEvent e : d.events()) {
                ops.merge(e.op(), 1, Integer::sum);
                tables.add(e.table());
                keys.add(e.eventKey());
                assertThat(e.json()).isNotEmpty();
            }
        }
        assertThat(ops.keySet()).containsExactlyInAnyOrder(Op.INSERT, Op.UPDATE, Op.DELETE);
        assertThat(tables).hasSize(6);
        assertThat(partitions).containsExactlyInAnyOrder(0, 1, 2);
        assertThat(watermarks).isGreaterThan(0).isEqualTo((int) (3 * ((gen.changes() - 1) / 500)));
        // one audit row per change: every change has its own event key
        assertThat(keys).hasSize((int) gen.changes());
    }
}
