package org.tidbcdc.routes.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tidbcdc.routes.observe.Changes.change;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tidbcdc.routes.canal.ChangeEvent;
import org.tidbcdc.routes.canal.Op;

class HeartbeatTableTest {

    final TestClock clock = new TestClock(Instant.parse("2025-01-02T03:04:05.678Z"));
    final HeartbeatTable table = new HeartbeatTable("app_db.cdc_heartbeat", "routes-1", clock);

    @Test
    void rowChangesOfTheTableAreHeartbeatsButItsDdlAndOtherTablesAreNot() {
        assertThat(table.isHeartbeat(change(Op.UPDATE, "app_db", "cdc_heartbeat"))).isTrue();
        assertThat(table.isHeartbeat(change(Op.INSERT, "app_db", "cdc_heartbeat"))).isTrue();
        assertThat(table.isHeartbeat(change(Op.DDL, "app_db", "cdc_heartbeat"))).isFalse();
        assertThat(table.isHeartbeat(change(Op.UPDATE, "app_db", "users"))).isFalse();
        assertThat(table.isHeartbeat(change(Op.UPDATE, "other_db", "cdc_heartbeat"))).isFalse();
    }

    @Test
    void stripReturnsTheSameListWhenThereIsNoHeartbeat() {
        List<ChangeEvent> changes = List.of(change(Op.INSERT, "app_db", "users"), change(Op.DDL, "app_db", "cdc_heartbeat"));
        assertThat(table.strip(changes)).isSameAs(changes);
    }

    @Test
    void stripKeepsEveryOtherChangeInOrder() {
        ChangeEvent a = change(Op.INSERT, "app_db", "users");
        ChangeEvent b = change(Op.DELETE, "app_db", "orders");
        List<ChangeEvent> changes = List.of(change(Op.UPDATE, "app_db", "cdc_heartbeat"), a,
                change(Op.INSERT, "app_db", "cdc_heartbeat"), b);
        assertThat(table.strip(changes)).containsExactly(a, b);
    }

    @Test
    void theRowIsKeyedByAStablePositiveHashOfTheInstance() {
        var row = table.row();
        assertThat(row).containsEntry("instance", "routes-1").containsEntry("beat_at", "2025-01-02 03:04:05.678");
        assertThat((int) row.get("id")).isPositive().isEqualTo("routes-1".hashCode() & Integer.MAX_VALUE);
        assertThat(new HeartbeatTable("app_db.cdc_heartbeat", "routes-1", clock).row().get("id")).isEqualTo(row.get("id"));
        assertThat(new HeartbeatTable("app_db.cdc_heartbeat", "routes-2", clock).row().get("id"))
                .isNotEqualTo(row.get("id"));
    }

    @Test
    void aTableNameThatIsNotDatabaseDotTableStopsStartupNamingTheSetting() {
        for (String bad : new String[] {"cdc_heartbeat", "a.b.c", "app_db.cdc heartbeat", "app_db.`x`;drop", ""}) {
            assertThatThrownBy(() -> new HeartbeatTable(bad, "i", clock)).as(bad)
                    .hasMessageStartingWith("HEARTBEAT_TABLE:");
        }
    }
}
