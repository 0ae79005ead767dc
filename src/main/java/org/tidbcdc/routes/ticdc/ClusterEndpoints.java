package org.tidbcdc.routes.ticdc;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;

/**
 * Where the routes reach PD, TiDB and TiCDC: each setting may list several members, as TiCDC's {@code --pd} does. A
 * poll asks the member in use; one that gives no answer at all (refused, timed out) makes the next poll ask the next
 * member, round the list. Any PD member answers for the cluster, and any TiCDC capture forwards to the owner, so the
 * control plane (and readiness, which the changefeed check gates) outlives one member.
 */
public final class ClusterEndpoints {

    private final Map<Component, List<String>> urls = new EnumMap<>(Component.class);
    private final Map<Component, AtomicInteger> inUse = new EnumMap<>(Component.class);

    public ClusterEndpoints(List<String> pd, List<String> tidb, List<String> ticdc) {
        urls.put(Component.PD, List.copyOf(pd));
        urls.put(Component.TIDB, List.copyOf(tidb));
        urls.put(Component.TICDC, List.copyOf(ticdc));
        for (Component c : Component.values()) {
            inUse.put(c, new AtomicInteger());
        }
    }

    public String pd() {
        return url(Component.PD);
    }

    public String tidb() {
        return url(Component.TIDB);
    }

    public String ticdc() {
        return url(Component.TICDC);
    }

    /** The poll of the component the route names ({@link ClusterProbe#COMPONENT}) got no answer: try the next one. */
    public void unanswered(Exchange exchange) {
        Component component = exchange.getProperty(ClusterProbe.COMPONENT, Component.class);
        if (component != null) {
            inUse.get(component).incrementAndGet();
        }
    }

    private String url(Component component) {
        List<String> members = urls.get(component);
        return members.get(Math.floorMod(inUse.get(component).get(), members.size()));
    }
}
