package org.tidbcdc.routes.ticdc;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A TiCDC Kafka sink URI, {@code kafka://broker1:9092,broker2:9092/<topic>?protocol=canal-json&…}. TiCDC answers with
 * the URI re-encoded (parameters sorted) and secrets replaced by "xxxxx", so two URIs are compared by their parts.
 */
public final class SinkUri {

    static final String SETTING = "CHANGEFEED_SINK_URI";
    static final String MASK = "xxxxx";
    private static final Set<String> SCHEMES = Set.of("kafka", "kafka+ssl");
    private static final Set<String> TRUE = Set.of("1", "t", "T", "TRUE", "true", "True");
    private static final Set<String> FALSE = Set.of("0", "f", "F", "FALSE", "false", "False");

    private final String text;
    private final String scheme;
    private final String authority;
    private final String topic;
    private final Map<String, String> params;

    private SinkUri(String text, String scheme, String authority, String topic, Map<String, String> params) {
        this.text = text;
        this.scheme = scheme;
        this.authority = authority;
        this.topic = topic;
        this.params = params;
    }

    /** Reads a URI as TiCDC reports it; never throws, so a strange answer is reported as drift, not a crash. */
    public static SinkUri parse(String text) {
        try {
            URI uri = new URI(text);
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            return new SinkUri(text, uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT),
                    uri.getRawAuthority() == null ? "" : uri.getRawAuthority(), decode(path.startsWith("/") ? path.substring(1) : path),
                    params(uri.getRawQuery()));
        } catch (URISyntaxException e) {
            return new SinkUri(text, "", "", "", Map.of());
        }
    }

    /**
     * The sink URI the changefeed is created with. The consumer needs canal-json with TiDB's extension (commitTs and
     * watermarks) on the topic it reads; a missing enable-tidb-extension is added, anything contrary stops start-up.
     *
     * @throws IllegalArgumentException naming CHANGEFEED_SINK_URI and what is wrong with it
     */
    public static SinkUri validated(String text, String topic) {
        URI uri;
        try {
            uri = new URI(text == null ? "" : text.trim());
        } catch (URISyntaxException e) {
            throw invalid("is not a valid URI (" + e.getReason() + " at index " + e.getIndex() + ")");
        }
        SinkUri sink = parse(uri.toString());
        if (!SCHEMES.contains(sink.scheme)) {
            throw invalid("must be a Kafka sink (kafka://brokers/topic?…), not '" + sink.masked() + "'");
        }
        if (sink.authority.isBlank()) {
            throw invalid("names no Kafka broker");
        }
        if (!sink.topic.equals(topic)) {
            throw invalid("sends to topic '" + sink.topic + "' but this application reads CDC_TOPIC '" + topic
                    + "'; the two must name the same topic");
        }
        String protocol = sink.params.get("protocol");
        if (protocol != null && !"canal-json".equalsIgnoreCase(protocol)) {
            throw invalid("sets protocol=" + protocol + "; this application reads protocol=canal-json only");
        }
        String extension = sink.params.get("enable-tidb-extension");
        if (extension == null) {
            String added = sink.text + (uri.getRawQuery() == null ? "?" : "&") + "enable-tidb-extension=true";
            return parse(added);
        }
        if (FALSE.contains(extension)) {
            throw invalid("sets enable-tidb-extension=false; the consumer needs TiDB's commitTs and watermarks,"
                    + " so it must be true (or left out, then it is added)");
        }
        if (!TRUE.contains(extension)) {
            throw invalid("sets enable-tidb-extension=" + extension + ", which is not a boolean; it must be true");
        }
        return sink;
    }

    /** What differs from the URI TiCDC reports; empty when both name the same sink. */
    public List<String> differencesFrom(SinkUri actual) {
        List<String> differences = new ArrayList<>();
        if (!scheme.equals(actual.scheme) || !authority.equals(actual.authority)) {
            differences.add("brokers are " + actual.scheme + "://" + actual.authority + ", expected " + scheme + "://"
                    + authority);
        }
        if (!topic.equals(actual.topic)) {
            differences.add("topic is '" + actual.topic + "', expected '" + topic + "'");
        }
        Set<String> keys = new TreeSet<>(params.keySet());
        keys.addAll(actual.params.keySet());
        for (String key : keys) {
            String want = params.get(key);
            String have = actual.params.get(key);
            if (MASK.equals(have) && want != null) {
                continue;
            }
            if (want == null) {
                differences.add(key + "=" + have + " is set but not expected");
            } else if (have == null) {
                differences.add(key + " is missing, expected " + shown(key, want));
            } else if (!want.equals(have)) {
                differences.add(key + "=" + have + ", expected " + shown(key, want));
            }
        }
        return differences;
    }

    public String topic() {
        return topic;
    }

    /** The URI for log lines: values TiCDC would mask are masked here too. */
    public String masked() {
        int q = text.indexOf('?');
        if (q < 0) {
            return text;
        }
        List<String> pairs = new ArrayList<>();
        for (String pair : text.substring(q + 1).split("&", -1)) {
            int eq = pair.indexOf('=');
            boolean hide = eq > 0 && secret(decode(pair.substring(0, eq)));
            pairs.add(hide ? pair.substring(0, eq + 1) + MASK : pair);
        }
        return text.substring(0, q + 1) + String.join("&", pairs);
    }

    @Override
    public String toString() {
        return text;
    }

    private static String shown(String key, String value) {
        return key + "=" + (secret(key) ? MASK : value);
    }

    private static boolean secret(String key) {
        return key.contains("password") || key.equals("key") || key.contains("secret");
    }

    private static Map<String, String> params(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            // like Go's url.Values.Get, the first value of a repeated key is the one that counts
            params.putIfAbsent(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return params;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static IllegalArgumentException invalid(String what) {
        return new IllegalArgumentException(SETTING + " " + what);
    }
}
