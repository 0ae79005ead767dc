package org.tidbcdc.routes.ticdc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The changefeed this application wants: validated once at start-up, then used for the create request and to spot a
 * changefeed that exists but is configured differently.
 */
public record ChangefeedSpec(String id, SinkUri sinkUri, List<String> filterRules, LargeMessageHandle largeMessage) {

    /** Always last, so the audit table this application writes can never feed back into the stream. */
    public static final String AUDIT_EXCLUSION = "!cdc_audit.*";

    // TiCDC's own rule for changefeed ids (ValidateChangefeedID); the id also goes into request paths
    private static final Pattern ID = Pattern.compile("^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$");

    public ChangefeedSpec {
        filterRules = List.copyOf(filterRules);
    }

    /**
     * @param largeMessage already validated ({@link LargeMessageHandle#of})
     * @throws IllegalArgumentException naming the setting (CHANGEFEED_ID, CHANGEFEED_SINK_URI,
     *                                  CHANGEFEED_FILTER_RULES) that is wrong
     */
    public static ChangefeedSpec of(String id, String sinkUri, String topic, String filterRules,
            LargeMessageHandle largeMessage) {
        if (id == null || id.length() > 128 || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("CHANGEFEED_ID '" + id + "' is not a TiCDC changefeed id: letters and"
                    + " digits in groups joined by single dashes, at most 128 characters");
        }
        return new ChangefeedSpec(id, SinkUri.validated(sinkUri, topic), rules(filterRules), largeMessage);
    }

    private static List<String> rules(String commaSeparated) {
        List<String> rules = new ArrayList<>();
        Arrays.stream(commaSeparated == null ? new String[0] : commaSeparated.split(","))
                .map(String::trim)
                .filter(rule -> !rule.isEmpty() && !rule.equals(AUDIT_EXCLUSION))
                .forEach(rule -> {
                    FilterRule.check(rule);
                    rules.add(rule);
                });
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("CHANGEFEED_FILTER_RULES is empty; name the tables to capture, such as"
                    + " app_db.*");
        }
        rules.add(AUDIT_EXCLUSION);
        return rules;
    }

    /**
     * The POST /api/v2/changefeeds body, with nothing else set: TiCDC decodes it on top of its defaults, and without
     * start_ts it starts from the current TSO.
     */
    public String createRequest() {
        ObjectNode body = HttpAnswer.JSON.createObjectNode();
        body.put("changefeed_id", id);
        body.put("sink_uri", sinkUri.toString());
        ObjectNode config = body.putObject("replica_config");
        filterRules.forEach(config.putObject("filter").putArray("rules")::add);
        ObjectNode sink = config.putObject("sink");
        sink.put("protocol", "canal-json");
        largeMessage.writeTo(sink.putObject("kafka_config").putObject("large_message_handle"));
        try {
            return HttpAnswer.JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The changefeed's filter rules differ from these; false when TiCDC did not report them. */
    public boolean filterDiffers(ChangefeedInfo actual) {
        return actual.filterRules() != null && !actual.filterRules().equals(filterRules);
    }

    /**
     * The PUT /api/v2/changefeeds/{id} body that brings the changefeed to these filter rules and changes nothing else.
     * TiCDC replaces the whole replica config with the one sent, so it is the changefeed's current one with only the
     * rules replaced. It has no sink_uri: TiCDC keeps the one it has, whereas the one a GET shows has its secrets
     * masked as xxxxx.
     *
     * @param current the {@code config} of the changefeed as GET /api/v2/changefeeds/{id} showed it
     */
    public String updateRequest(JsonNode current) {
        ObjectNode body = HttpAnswer.JSON.createObjectNode();
        ObjectNode config = current.deepCopy();
        JsonNode filter = config.path("filter");
        ObjectNode newFilter = filter.isObject() ? (ObjectNode) filter : config.putObject("filter");
        filterRules.forEach(newFilter.putArray("rules")::add);
        body.set("replica_config", config);
        try {
            return HttpAnswer.JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * How an existing changefeed differs from this spec in what decides which rows reach which topic. It is reported;
     * only the filter rules are ever applied (CHANGEFEED_APPLY_DRIFT), since recreating a changefeed loses its
     * checkpoint and every other change strands records already in Kafka.
     */
    public List<String> driftOf(ChangefeedInfo actual) {
        List<String> drift = new ArrayList<>();
        if (actual.sinkUri() != null) {
            sinkUri.differencesFrom(SinkUri.parse(actual.sinkUri())).forEach(d -> drift.add("sink URI " + d));
        }
        if (filterDiffers(actual)) {
            drift.add("filter rules are " + actual.filterRules() + ", expected " + filterRules);
        }
        if (actual.largeMessage() != null) {
            drift.addAll(largeMessage.differencesFrom(actual.largeMessage()));
        }
        return drift;
    }
}
