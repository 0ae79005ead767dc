package org.tidbcdc.routes.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the management endpoint of a running application as an operator's tools do: health over HTTP as JSON, and
 * metrics in the Prometheus text format.
 */
public final class Management {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+).*$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final RoutesApp app;

    public Management(RoutesApp app) {
        this.app = app;
    }

    /** An answer of a health endpoint: its HTTP status and JSON body. */
    public record Health(int status, JsonNode body) {

        public String state() {
            return body.path("status").asText();
        }

        /** The check with this name, or a missing node. */
        public JsonNode check(String name) {
            for (JsonNode c : body.path("checks")) {
                if (name.equals(c.path("name").asText())) {
                    return c;
                }
            }
            return JSON.missingNode();
        }

        public String checkState(String name) {
            return check(name).path("status").asText(null);
        }

        public List<String> checkNames() {
            List<String> names = new ArrayList<>();
            body.path("checks").forEach(c -> names.add(c.path("name").asText()));
            return names;
        }
    }

    /** One sample of the metrics page. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    public Health health(String path) {
        HttpResponse<String> r = get(path);
        try {
            return new Health(r.statusCode(), JSON.readTree(r.body()));
        } catch (IOException e) {
            throw new IllegalStateException(path + " did not answer JSON: " + r.body(), e);
        }
    }

    public Health ready() {
        return health("/observe/health/ready");
    }

    public Health live() {
        return health("/observe/health/live");
    }

    /** Every check, readiness or not. */
    public Health all() {
        return health("/observe/health");
    }

    public List<Sample> metrics() {
        HttpResponse<String> r = get("/observe/metrics");
        if (r.statusCode() != 200) {
            throw new IllegalStateException("/observe/metrics answered " + r.statusCode());
        }
        List<Sample> samples = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.matches()) {
                continue;
            }
            Map<String, String> labels = new HashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            samples.add(new Sample(m.group(1), labels, number(m.group(3))));
        }
        return samples;
    }

    private static double number(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    /** The samples of a metric whose labels include the given ones. */
    public List<Sample> samples(String name, Map<String, String> labels) {
        return metrics().stream()
                .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet()))
                .toList();
    }

    /** The sum of the matching samples; NaN when there is none. */
    public double value(String name, Map<String, String> labels) {
        List<Sample> found = samples(name, labels);
        return found.isEmpty() ? Double.NaN : found.stream().mapToDouble(Sample::value).sum();
    }

    public double value(String name) {
        return value(name, Map.of());
    }

    private HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(app.managementUrl(path)))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
