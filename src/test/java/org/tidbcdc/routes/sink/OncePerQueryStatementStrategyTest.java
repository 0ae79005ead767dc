package org.tidbcdc.routes.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.api.Test;

class OncePerQueryStatementStrategyTest {

    private final OncePerQueryStatementStrategy strategy = new OncePerQueryStatementStrategy();

    @Test
    void theAuditInsertIsPositionalSoRowsBindInOrder() throws IOException {
        String sql = AuditRowsTest.insertSql();
        assertThat(strategy.hasNamedParameters(sql)).isFalse();
        assertThat(strategy.hasNamedParameters(sql)).isFalse();
    }

    @Test
    void aNamedQueryIsStillSeenAsNamed() {
        // camel-sql has rewritten :#key to :?key by the time it asks
        String sql = "SELECT 1 FROM change_event WHERE event_key = :?key";
        assertThat(strategy.hasNamedParameters(sql)).isTrue();
        assertThat(strategy.hasNamedParameters(sql)).isTrue();
    }
}
