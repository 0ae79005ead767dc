package org.tidbcdc.routes.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tidbcdc.routes.observe.Changes.change;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.tidbcdc.routes.canal.Op;

class ChangeCountersTest {

    final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final ChangeCounters counters = new ChangeCounters(meters);

    @Test
    void countsByDatabaseTableAndOp() {
        counters.increment(change(Op.INSERT, "app_db", "users"));
        counters.increment(change(Op.INSERT, "app_db", "users"));
        counters.increment(change(Op.UPDATE, "app_db", "users"));
        counters.increment(change(Op.INSERT, "app_db", "orders"));
        counters.increment(change(Op.DDL, "app_db", ""));
        String page = meters.scrape();
        assertThat(page).contains("cdc_change_events_total{database=\"app_db\",op=\"INSERT\",table=\"users\"} 2")
                .contains("cdc_change_events_total{database=\"app_db\",op=\"UPDATE\",table=\"users\"} 1")
                .contains("cdc_change_events_total{database=\"app_db\",op=\"INSERT\",table=\"orders\"} 1")
                .contains("cdc_change_events_total{database=\"app_db\",op=\"DDL\",table=\"\"} 1");
        assertThat(meters.find(ChangeCounters.NAME).counters()).hasSize(4);
    }

    @Test
    void aHostileNameIsALabelValueAndNothingElse() {
        counters.increment(change(Op.INSERT, "a\"b", "x\ny"));
        assertThat(meters.scrape()).contains("cdc_change_events_total{database=\"a\\\"b\",op=\"INSERT\",table=\"x\\ny\"} 1");
    }
}
