package org.tidbcdc.routes.ticdc;

import java.util.function.Function;

import org.apache.camel.Exchange;

/**
 * The bean the cluster-health routes call after each HTTP request. One poll asks a component several questions; the
 * answers fold into one state (the first answer that is not UP explains it), published when the poll ends.
 */
public final class ClusterProbe {

    /** Set by the route: which component this poll is about. */
    public static final String COMPONENT = "cdcComponent";
    /** The state so far in this poll; a route may skip further questions once it is not UP. */
    public static final String STATE = "cdcComponentState";

    private final ClusterState cluster;
    private final ClusterEndpoints endpoints;

    public ClusterProbe(ClusterState cluster, ClusterEndpoints endpoints) {
        this.cluster = cluster;
        this.endpoints = endpoints;
    }

    public void pdMembers(Exchange exchange) {
        fold(exchange, PdAnswers::members);
    }

    public void pdLeader(Exchange exchange) {
        fold(exchange, PdAnswers::leader);
    }

    public void pdStores(Exchange exchange) {
        fold(exchange, PdAnswers::stores);
    }

    public void tidbStatus(Exchange exchange) {
        fold(exchange, TidbAnswers::status);
    }

    public void ticdcStatus(Exchange exchange) {
        fold(exchange, TicdcAnswers::status);
    }

    public void ticdcHealth(Exchange exchange) {
        fold(exchange, TicdcAnswers::health);
    }

    /** A request that got no HTTP answer (refused, timed out, reset) ends the poll with that as the state. */
    public void unanswered(Exchange exchange) {
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String endpoint = exchange.getProperty(Exchange.TO_ENDPOINT, String.class);
        fold(exchange, NoAnswer.of(component(exchange).displayName(), endpoint,
                error == null ? new IllegalStateException("no exception recorded") : error));
    }

    public void publish(Exchange exchange) {
        ComponentState state = exchange.getProperty(STATE, ComponentState.class);
        cluster.record(component(exchange), state == null ? ComponentState.unknown("the poll asked nothing") : state);
    }

    private void fold(Exchange exchange, Function<HttpAnswer, ComponentState> rule) {
        HttpAnswer answer = HttpAnswer.of(exchange);
        fold(exchange, rule.apply(answer));
        endpoints.judge(exchange, answer);
    }

    private static void fold(Exchange exchange, ComponentState next) {
        ComponentState state = exchange.getProperty(STATE, ComponentState.class);
        exchange.setProperty(STATE, state == null ? next : state.and(next));
    }

    private static Component component(Exchange exchange) {
        Component component = exchange.getProperty(COMPONENT, Component.class);
        if (component == null) {
            throw new IllegalStateException("the route sets no exchange property " + COMPONENT);
        }
        return component;
    }
}
