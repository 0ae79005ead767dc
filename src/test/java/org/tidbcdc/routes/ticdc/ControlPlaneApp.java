package org.tidbcdc.routes.ticdc;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import org.tidbcdc.routes.testsupport.RoutesApp;

/**
 * The real application with only the control-plane routes loaded, pointed at a {@link FakeTiCluster}, polling every
 * 100 ms; and what a test reads from it: its health checks over the management port.
 */
final class ControlPlaneApp implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final String ROUTES = "file:routes/cluster-health.camel.yaml,file:routes/changefeed.camel.yaml";
    static final String SINK_URI = "kafka://kafka:29092/ti-db-updates?protocol=canal-json&enable-tidb-extension=true"
            + "&partition-num=3&replication-factor=1&max-message-bytes=1048576";
    /** The filter rules the default settings give. */
    static final List<String> RULES = List.of("app_db.*", "!cdc_audit.*");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final RoutesApp app;

    private ControlPlaneApp(RoutesApp app) {
        this.app = app;
    }

    static ControlPlaneApp start(FakeTiCluster fake, Map<String, String> settings) {
        return new ControlPlaneApp(RoutesApp.start(settings(fake, settings)));
    }

    static Map<String, String> settings(FakeTiCluster fake, Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("camel.main.routes-include-pattern", ROUTES);
        all.put("cdc.changefeed.enabled", "true");
        // no data-plane route runs here: with the log sink only, no audit-database or file-sink check joins
        // readiness, and the consumer's own check is left out, so readiness answers for the control plane alone
        all.put("cdc.sinks", "log");
        all.put("camel.health.exclude-pattern", "kafka-consumer");
        all.put("cdc.health.poll-interval", "100ms");
        all.put("cdc.pd.url", fake.url());
        all.put("cdc.tidb.status-url", fake.url());
        all.put("cdc.ticdc.url", fake.url());
        all.put("cdc.topic", "ti-db-updates");
        all.put("cdc.changefeed.sink-uri", SINK_URI);
        all.put("cdc.changefeed.resume-backoff", "200ms");
        all.put("cdc.changefeed.resume-backoff-max", "2s");
        all.put("cdc.control.connect-timeout-ms", "500");
        all.put("cdc.control.response-timeout-ms", "500");
        all.put("cdc.changefeed.request-timeout-ms", "30000");
        all.putAll(settings);
        return all;
    }

    RoutesApp routes() {
        return app;
    }

    /** The check's entry in /observe/health with full exposure: name, status, message, data. */
    JsonNode check(String id) {
        for (JsonNode check : get("/observe/health?exposureLevel=full&data=true").body().path("checks")) {
            if (check.path("name").asText().equals(id)) {
                return check;
            }
        }
        return MissingNode.getInstance();
    }

    String status(String checkId) {
        return check(checkId).path("status").asText("MISSING");
    }

    String message(String checkId) {
        return message(check(checkId));
    }

    /** Camel 4.18 escapes messages twice (Jsoner.escape, then toJson), so a slash or quote arrives backslashed. */
    private static String message(JsonNode check) {
        return check.path("message").asText("").replace("\\/", "/").replace("\\\"", "\"");
    }

    /** The HTTP status of /observe/health/ready: 200 ready, 503 not. */
    int readiness() {
        return get("/observe/health/ready").status();
    }

    Reply get(String path) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(app.managementUrl(path)))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isBlank() ? MissingNode.getInstance()
                    : FakeTiCluster.MAPPER.readTree(response.body());
            return new Reply(response.statusCode(), body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Reply(int status, JsonNode body) {
    }

    /** Waits, by polling, until the condition holds; fails with what was awaited after {@link #TIMEOUT}. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + TIMEOUT.toSeconds() + " s waiting until " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Waits until the check has the status and its message contains the text. */
    void awaitCheck(String checkId, String status, String messagePart) {
        await(checkId + " is " + status + " with '" + messagePart + "' (last: " + status(checkId) + " "
                + message(checkId) + ")", () -> {
                    JsonNode check = check(checkId);
                    return check.path("status").asText().equals(status)
                            && message(check).contains(messagePart);
                });
    }

    @Override
    public void close() {
        app.close();
    }
}
