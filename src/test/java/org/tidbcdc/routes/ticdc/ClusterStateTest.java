package org.tidbcdc.routes.ticdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;

import org.apache.camel.health.HealthCheck.State;
import org.junit.jupiter.api.Test;

class ClusterStateTest {

    @Test
    void onlyAChangeCounts() {
        ClusterState cluster = new ClusterState(Clock.systemUTC());
        assertEquals(State.UNKNOWN, cluster.get(Component.PD).state());
        assertTrue(cluster.record(Component.PD, ComponentState.down("PD has no leader (503 no leader)")));
        assertFalse(cluster.record(Component.PD, ComponentState.down("PD has no leader (503 no leader)")));
        assertTrue(cluster.record(Component.PD, ComponentState.down("TiKV store 1 is Disconnected")));
        assertTrue(cluster.record(Component.PD, ComponentState.up("PD leader is pd-0")));
        assertTrue(cluster.isUp(Component.PD));
        assertFalse(cluster.isUp(Component.TICDC));
    }

    @Test
    void theFirstAnswerThatIsNotUpExplainsTheState() {
        ComponentState state = ComponentState.up("a").and(ComponentState.up("b"))
                .and(ComponentState.down("c")).and(ComponentState.unknown("d"));
        assertEquals(ComponentState.down("c"), state);
        assertEquals(ComponentState.up("a, b"), ComponentState.up("a").and(ComponentState.up("b")));
    }
}
