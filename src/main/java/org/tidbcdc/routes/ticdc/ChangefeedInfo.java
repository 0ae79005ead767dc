package org.tidbcdc.routes.ticdc;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The parts of TiCDC's ChangeFeedInfo (GET /api/v2/changefeeds/{id}) the control plane acts on. TiCDC omits
 * {@code state} while the changefeed is uninitialized and {@code error} in the states normal and stopped. Null
 * stands for what TiCDC did not report.
 */
public record ChangefeedInfo(String state, String sinkUri, List<String> filterRules, long checkpointTs,
        String errorCode, String errorMessage, LargeMessageHandle largeMessage) {

    /** TSO = physical milliseconds shifted left by 18 bits, plus a logical counter. */
    private static final int LOGICAL_BITS = 18;

    /** Empty when the body is no changefeed at all (not an object, or no id). */
    public static Optional<ChangefeedInfo> parse(JsonNode json) {
        if (json == null || !json.isObject() || !json.hasNonNull("id")) {
            return Optional.empty();
        }
        JsonNode rules = json.path("config").path("filter").path("rules");
        List<String> filterRules = null;
        if (rules.isArray()) {
            filterRules = new ArrayList<>();
            for (JsonNode rule : rules) {
                filterRules.add(rule.asText());
            }
        }
        JsonNode error = json.path("error");
        JsonNode largeMessage = json.path("config").path("sink").path("kafka_config").path("large_message_handle");
        return Optional.of(new ChangefeedInfo(
                json.path("state").asText(""),
                json.hasNonNull("sink_uri") ? json.get("sink_uri").asText() : null,
                filterRules == null ? null : List.copyOf(filterRules),
                json.path("checkpoint_ts").asLong(0),
                error.path("code").asText(""),
                withoutCode(error.path("message").asText("")),
                largeMessage.isObject() ? new LargeMessageHandle(
                        orNone(largeMessage.path("large_message_handle_option").asText("")),
                        blankAsNull(largeMessage.path("claim_check_storage_uri").asText("")),
                        orNone(largeMessage.path("large_message_handle_compression").asText(""))) : null));
    }

    /** TiCDC leaves an option empty for its default, none. */
    private static String orNone(String option) {
        return option.isBlank() ? "none" : option;
    }

    private static String blankAsNull(String text) {
        return text.isBlank() ? null : text;
    }

    /** "[CDC:ErrKafkaNewProducer]kafka: …" → "kafka: …": the code is shown on its own already. */
    private static String withoutCode(String message) {
        String line = HttpAnswer.oneLine(message);
        int end = line.indexOf(']');
        return line.startsWith("[") && end > 0 ? line.substring(end + 1).trim() : line;
    }

    /** How far the changefeed is behind, or -1 when TiCDC reported no checkpoint. */
    public static long lagMillis(long checkpointTs, long nowMillis) {
        return checkpointTs <= 0 ? -1 : Math.max(0, nowMillis - (checkpointTs >>> LOGICAL_BITS));
    }

    /** "CDC:ErrKafkaNewProducer kafka: client has run out of available brokers", or "no error reported". */
    public String error() {
        if (errorCode.isEmpty() && errorMessage.isEmpty()) {
            return "no error reported";
        }
        return (errorCode + " " + errorMessage).trim();
    }
}
