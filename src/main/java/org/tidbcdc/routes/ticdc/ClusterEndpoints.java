package org.tidbcdc.routes.ticdc;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;

/**
 * Where the routes reach PD, TiDB and TiCDC: each setting may list several members, as TiCDC's {@code --pd} does. A
 * poll asks the member in use; one that gives no answer at all (refused, timed out), or answers that it cannot serve
 * now ({@link #cannotServe}), is passed over, and the poll asks the next member at once ({@link #anotherTry}), each
 * member at most once. Any PD member answers for the cluster, and any TiCDC capture forwards to the owner, so the
 * control plane (and readiness, which the changefeed check gates) outlives one member without a poll that fails.
 */
public final class ClusterEndpoints {

    /** The exchange property that holds which member (a turn of the list, not yet reduced to an index) was asked. */
    static final String ASKED = "cdcMemberAsked";
    /** How many members this poll has asked so far, and whether the last one was passed over. */
    static final String ATTEMPTS = "cdcMemberAttempts";
    static final String PASSED_OVER = "cdcMemberPassedOver";

    private final Map<Component, List<String>> urls = new EnumMap<>(Component.class);
    private final Map<Component, AtomicInteger> inUse = new EnumMap<>(Component.class);
    // moves since a member last answered: logged for one round of the list, so an outage of every member is not
    // logged again at every poll
    private final Map<Component, AtomicInteger> passes = new EnumMap<>(Component.class);

    public ClusterEndpoints(List<String> pd, List<String> tidb, List<String> ticdc) {
        urls.put(Component.PD, List.copyOf(pd));
        urls.put(Component.TIDB, List.copyOf(tidb));
        urls.put(Component.TICDC, List.copyOf(ticdc));
        for (Component c : Component.values()) {
            inUse.put(c, new AtomicInteger());
            passes.put(c, new AtomicInteger());
        }
    }

    public String pd(Exchange exchange) {
        return ask(Component.PD, exchange);
    }

    public String tidb(Exchange exchange) {
        return ask(Component.TIDB, exchange);
    }

    public String ticdc(Exchange exchange) {
        return ask(Component.TICDC, exchange);
    }

    /**
     * The loop condition of a poll: true for its first attempt, and again when the member it just asked was passed
     * over while a member is left that this poll has not asked. Camel's bean language may evaluate it on a copy of the
     * exchange (BeanExpression), so it changes nothing: {@link #newAttempt} does.
     */
    public boolean anotherTry(Exchange exchange) {
        return exchange.getProperty(ATTEMPTS, 0, Integer.class) == 0 || retrying(exchange);
    }

    /** The first step of each attempt: it starts without what the last one found. */
    public void newAttempt(Exchange exchange) {
        exchange.setProperty(ATTEMPTS, exchange.getProperty(ATTEMPTS, 0, Integer.class) + 1);
        exchange.removeProperty(PASSED_OVER);
        exchange.removeProperty(ClusterProbe.STATE);
    }

    /** The member just asked was passed over and the poll asks another: its answer is not the poll's result. */
    boolean retrying(Exchange exchange) {
        Component component = exchange.getProperty(ClusterProbe.COMPONENT, Component.class);
        return component != null && exchange.getProperty(PASSED_OVER, false, Boolean.class)
                && exchange.getProperty(ATTEMPTS, 0, Integer.class) < urls.get(component).size();
    }

    /** The request of the component the route names ({@link ClusterProbe#COMPONENT}) got no answer. */
    public void unanswered(Exchange exchange) {
        passOver(exchange, "gave no answer");
    }

    /**
     * Passes over the member that gave this answer when it says that this member cannot serve now; true when the poll
     * then asks another ({@link #retrying}), so that this answer is not its result.
     */
    boolean judge(Exchange exchange, HttpAnswer answer) {
        if (cannotServe(answer)) {
            passOver(exchange, "answered " + TicdcAnswers.describe(answer));
        } else {
            Component component = exchange.getProperty(ClusterProbe.COMPONENT, Component.class);
            if (component != null) {
                passes.get(component).set(0);
            }
        }
        return retrying(exchange);
    }

    /**
     * The member says that it, rather than the cluster, cannot serve now, so another member may: a TiCDC capture that
     * is starting (503 CDC:ErrServerIsNotReady) or stopping (liveness 1 in /api/v2/status), a PD member that sees no
     * leader (503; a member cut off from the others sees none while they have one), a TiDB server shutting down (500
     * with an empty body), a gateway in front of the member (502, 503, 504). Errors that hold for the whole cluster,
     * such as TiCDC's 500 CDC:ErrClusterIsUnhealthy or 400 CDC:ErrChangeFeedNotExists, keep the member.
     */
    static boolean cannotServe(HttpAnswer answer) {
        int status = answer.status();
        if (status == 502 || status == 503 || status == 504) {
            return true;
        }
        if (status == 500) {
            return answer.body().isBlank();
        }
        return answer.isSuccess() && answer.json().map(json -> json.path("liveness").asInt(0) != 0).orElse(false);
    }

    /**
     * Moves past the member the request asked, once: two polls that fail on the same member at the same time (the
     * TiCDC health poll and the changefeed poll) must not move twice, which with two members would go back to it.
     */
    private void passOver(Exchange exchange, String why) {
        Component component = exchange.getProperty(ClusterProbe.COMPONENT, Component.class);
        Integer asked = exchange.getProperty(ASKED, Integer.class);
        List<String> members = component == null ? List.of() : urls.get(component);
        if (asked == null || members.size() < 2) {
            return;
        }
        AtomicInteger current = inUse.get(component);
        if (current.compareAndSet(asked, asked + 1)) {
            int pass = passes.get(component).incrementAndGet();
            if (pass <= members.size()) {
                TrackedState.LOG.info("{} member {} {}: asking {}{}", component.displayName(),
                        member(members, asked), why, member(members, asked + 1), pass == members.size()
                                ? "; no member could serve, the polls go on round the list without a line each"
                                : "");
            }
        }
        // moved here or by the other poll: either way this poll may ask the member now in use
        exchange.setProperty(PASSED_OVER, current.get() != asked);
    }

    private String ask(Component component, Exchange exchange) {
        int turn = inUse.get(component).get();
        exchange.setProperty(ASKED, turn);
        return member(urls.get(component), turn);
    }

    private static String member(List<String> members, int turn) {
        return members.get(Math.floorMod(turn, members.size()));
    }
}
