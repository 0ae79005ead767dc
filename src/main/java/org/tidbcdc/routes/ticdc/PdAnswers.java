package org.tidbcdc.routes.ticdc;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * PD's answers on /pd/api/v1/health, /leader and /stores turned into a state. A PD without a leader forwards nothing
 * and answers 503 in plain text ("no leader" before v8.1.1, "[PD:apiutil:ErrRedirectNoLeader]redirect finds no
 * leader" after), on /leader and, before v8.5.5, on /health too.
 */
public final class PdAnswers {

    public static final String HEALTH = "/pd/api/v1/health";
    public static final String LEADER = "/pd/api/v1/leader";
    public static final String STORES = "/pd/api/v1/stores";

    private PdAnswers() {
    }

    /** Every member must answer its ping: a list with one {"name","health"} per member. */
    public static ComponentState members(HttpAnswer answer) {
        Optional<ComponentState> failed = notAnswered(HEALTH, answer);
        if (failed.isPresent()) {
            return failed.get();
        }
        JsonNode members = answer.json().orElse(null);
        if (members == null || !members.isArray()) {
            return notUnderstood(HEALTH, answer, "a list of members");
        }
        if (members.isEmpty()) {
            return ComponentState.down("PD reports no members");
        }
        List<String> unhealthy = new ArrayList<>();
        for (JsonNode member : members) {
            if (!member.path("health").asBoolean(false)) {
                unhealthy.add(member.path("name").asText("?"));
            }
        }
        if (!unhealthy.isEmpty()) {
            return ComponentState.down("PD member" + (unhealthy.size() > 1 ? "s " : " ") + String.join(", ", unhealthy)
                    + (unhealthy.size() > 1 ? " are" : " is") + " unhealthy");
        }
        return ComponentState.up("PD has " + members.size() + " healthy member" + (members.size() > 1 ? "s" : ""));
    }

    public static ComponentState leader(HttpAnswer answer) {
        Optional<ComponentState> failed = notAnswered(LEADER, answer);
        if (failed.isPresent()) {
            return failed.get();
        }
        JsonNode leader = answer.json().orElse(null);
        if (leader == null || !leader.isObject()) {
            return notUnderstood(LEADER, answer, "the leader member");
        }
        String name = leader.path("name").asText("");
        if (name.isEmpty()) {
            return ComponentState.down("PD has no leader (" + LEADER + " names none)");
        }
        return ComponentState.up("PD leader is " + name);
    }

    /** At least one TiKV store, and every one Up: PD shows a silent Up store as Disconnected, then Down. */
    public static ComponentState stores(HttpAnswer answer) {
        Optional<ComponentState> failed = notAnswered(STORES, answer);
        if (failed.isPresent()) {
            return failed.get();
        }
        JsonNode stores = answer.json().map(j -> j.get("stores")).orElse(null);
        if (stores == null || !(stores.isArray() || stores.isNull())) {
            return notUnderstood(STORES, answer, "a store list");
        }
        if (stores.isNull() || stores.isEmpty()) {
            return ComponentState.down("PD reports no TiKV store");
        }
        List<String> notUp = new ArrayList<>();
        for (JsonNode store : stores) {
            String state = store.path("store").path("state_name").asText("");
            if (!"Up".equals(state)) {
                notUp.add("TiKV store " + store.path("store").path("id").asText("?") + " is "
                        + (state.isEmpty() ? "in no state" : state));
            }
        }
        if (!notUp.isEmpty()) {
            return ComponentState.down(String.join(", ", notUp));
        }
        return ComponentState.up(stores.size() + " TiKV store" + (stores.size() > 1 ? "s" : "") + " Up");
    }

    private static Optional<ComponentState> notAnswered(String path, HttpAnswer answer) {
        if (answer.isSuccess()) {
            return Optional.empty();
        }
        if (answer.status() == 503 && answer.body().contains("no leader")) {
            return Optional.of(ComponentState.down("PD has no leader (" + answer.describe() + ")"));
        }
        return Optional.of(ComponentState.down("PD " + path + " answered " + answer.describe()));
    }

    private static ComponentState notUnderstood(String path, HttpAnswer answer, String expected) {
        return ComponentState.unknown("PD " + path + " answered " + answer.status() + " without " + expected + ": "
                + answer.snippet());
    }
}
