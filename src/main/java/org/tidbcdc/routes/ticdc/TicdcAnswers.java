package org.tidbcdc.routes.ticdc;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * TiCDC's Open API v2 answers. Errors come as {"error_msg":"[CDC:Err…]…","error_code":"CDC:Err…"}; the code is empty
 * for errors that are not TiCDC's own, such as "election: no leader".
 */
public final class TicdcAnswers {

    public static final String STATUS = "/api/v2/status";
    public static final String HEALTH = "/api/v2/health";
    public static final String NOT_READY = "CDC:ErrServerIsNotReady";
    public static final String CLUSTER_UNHEALTHY = "CDC:ErrClusterIsUnhealthy";
    public static final String NOT_EXISTS = "CDC:ErrChangeFeedNotExists";
    public static final String ALREADY_EXISTS = "CDC:ErrChangeFeedAlreadyExists";

    private TicdcAnswers() {
    }

    /** The capture answers locally: up (liveness 0) or shutting down (liveness 1). */
    public static ComponentState status(HttpAnswer answer) {
        if (!answer.isSuccess()) {
            return failure(STATUS, answer);
        }
        JsonNode status = answer.json().orElse(null);
        if (status == null || !status.isObject() || !status.has("id")) {
            return ComponentState.unknown("TiCDC " + STATUS + " answered " + answer.status()
                    + " without a capture: " + answer.snippet());
        }
        int liveness = status.path("liveness").asInt(0);
        if (liveness != 0) {
            return ComponentState.down("TiCDC capture is stopping (liveness " + liveness + ")");
        }
        return ComponentState.up("TiCDC " + status.path("version").asText("") + " capture is alive");
    }

    /** The owner is elected and has initialized every changefeed: 200 {}. */
    public static ComponentState health(HttpAnswer answer) {
        if (!answer.isSuccess()) {
            return failure(HEALTH, answer);
        }
        if (answer.json().isEmpty()) {
            return ComponentState.unknown("TiCDC " + HEALTH + " answered " + answer.status() + " with a body that is not"
                    + " JSON: " + answer.snippet());
        }
        return ComponentState.up("TiCDC is healthy");
    }

    static ComponentState failure(String path, HttpAnswer answer) {
        String code = errorCode(answer);
        if (NOT_READY.equals(code)) {
            return ComponentState.down("TiCDC not ready: " + describe(answer));
        }
        if (CLUSTER_UNHEALTHY.equals(code)) {
            return ComponentState.down("TiCDC cluster is unhealthy: " + describe(answer));
        }
        return ComponentState.down("TiCDC " + path + " answered " + describe(answer));
    }

    /** The error_code of an error body, or "" when the body is no TiCDC error. */
    public static String errorCode(HttpAnswer answer) {
        return answer.json().map(j -> j.path("error_code").asText("")).orElse("");
    }

    /** "503 CDC:ErrServerIsNotReady", or the status and message when TiCDC gave no code. */
    public static String describe(HttpAnswer answer) {
        JsonNode json = answer.json().orElse(null);
        if (json != null && json.has("error_msg")) {
            String code = json.path("error_code").asText("");
            String text = code.isEmpty() ? HttpAnswer.oneLine(json.path("error_msg").asText("")) : code;
            return answer.status() + " " + text;
        }
        return answer.describe();
    }
}
