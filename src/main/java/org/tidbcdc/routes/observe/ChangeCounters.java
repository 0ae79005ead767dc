package org.tidbcdc.routes.observe;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.tidbcdc.routes.canal.ChangeEvent;
import org.tidbcdc.routes.canal.Op;

/**
 * {@code cdc_change_events_total{database,table,op}}. Counting runs once per change on the consumer thread, so the
 * counters are cached by database, then table, then op: after the first change of a table, counting one is two map
 * lookups and an add, with nothing allocated.
 */
final class ChangeCounters {

    static final String NAME = "cdc.change.events";
    private static final Op[] OPS = Op.values();

    private final MeterRegistry registry;
    private final Map<String, Map<String, Counter[]>> byDatabase = new ConcurrentHashMap<>();

    ChangeCounters(MeterRegistry registry) {
        this.registry = registry;
    }

    void increment(ChangeEvent e) {
        Map<String, Counter[]> tables = byDatabase.get(e.database());
        if (tables == null) {
            tables = byDatabase.computeIfAbsent(e.database(), d -> new ConcurrentHashMap<>());
        }
        Counter[] byOp = tables.get(e.table());
        if (byOp == null) {
            byOp = tables.computeIfAbsent(e.table(), t -> new Counter[OPS.length]);
        }
        Counter c = byOp[e.op().ordinal()];
        if (c == null) {
            c = Counter.builder(NAME)
                    .description("Changes delivered to every enabled sink and committed, by source table and operation")
                    .tag("database", e.database()).tag("table", e.table()).tag("op", e.op().name())
                    .register(registry);
            byOp[e.op().ordinal()] = c;
        }
        c.increment();
    }
}
