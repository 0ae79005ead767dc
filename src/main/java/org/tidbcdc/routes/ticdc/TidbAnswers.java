package org.tidbcdc.routes.ticdc;

import com.fasterxml.jackson.databind.JsonNode;

/** TiDB's status port: GET /status answers {"connections","version","git_hash"} while TiDB serves. */
public final class TidbAnswers {

    public static final String STATUS = "/status";

    private TidbAnswers() {
    }

    public static ComponentState status(HttpAnswer answer) {
        if (!answer.isSuccess()) {
            // TiDB answers 500 with an empty body while it shuts down
            return ComponentState.down("TiDB " + STATUS + " answered " + answer.describe());
        }
        JsonNode status = answer.json().orElse(null);
        if (status == null || !status.hasNonNull("version")) {
            return ComponentState.unknown("TiDB " + STATUS + " answered " + answer.status()
                    + " without a version: " + answer.snippet());
        }
        return ComponentState.up("TiDB " + status.get("version").asText() + " is serving");
    }
}
