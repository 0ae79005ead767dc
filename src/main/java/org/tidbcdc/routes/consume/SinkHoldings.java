package org.tidbcdc.routes.consume;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.kafka.common.TopicPartition;

/**
 * Which records each sink holds, within this process. A sink holds a record once its route has returned, without an
 * exception, for a batch that contained it. A batch polled again after a failure is not the same batch (its records
 * and partitions can differ), so each sink is given only the records it does not hold yet, and a record every sink
 * holds is committed without reaching any of them again. Only the consumer thread uses this.
 */
public final class SinkHoldings {

    private final Map<String, DeliveredRecords> bySink = new LinkedHashMap<>();

    public SinkHoldings(List<String> sinks) {
        sinks.forEach(s -> bySink.put(s, new DeliveredRecords()));
    }

    /** The sinks in run order. */
    public List<String> sinks() {
        return List.copyOf(bySink.keySet());
    }

    DeliveredRecords of(String sink) {
        return bySink.get(sink);
    }

    /** Whether every sink holds this record already. */
    boolean everySinkHolds(TopicPartition tp, long offset, Exchange record) {
        for (DeliveredRecords held : bySink.values()) {
            if (!held.holds(tp, offset, record)) {
                return false;
            }
        }
        return true;
    }
}
