package org.tidbcdc.routes.observe;

import org.tidbcdc.routes.canal.ChangeEvent;
import org.tidbcdc.routes.canal.Op;
import org.tidbcdc.routes.canal.Source;

/** Minimal change events for the observe tests. */
final class Changes {

    private Changes() {
    }

    static ChangeEvent change(Op op, String database, String table, long commitMillis, int partition) {
        return ChangeEvent.builder().op(op).database(database).table(table).commitMillis(commitMillis)
                .eventKey("k-" + database + "-" + table + "-" + op).source(new Source("t", partition, 0)).build();
    }

    static ChangeEvent change(Op op, String database, String table) {
        return change(op, database, table, 0, 0);
    }
}
