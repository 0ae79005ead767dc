package org.tidbcdc.routes.settings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.util.TimeUtils;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.logging.log4j.Level;

/**
 * The data-plane settings that must be right before the first record is read. Each check fails startup with a message
 * that names the environment variable an operator sets, because that is what they will search for.
 */
public final class PipelineSettings {

    /** Digits alone (milliseconds), or days, hours, minutes, seconds and milliseconds in that order. */
    private static final Pattern DURATION = Pattern.compile("\\d+|(?=\\d)(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?(\\d+ms)?");

    /** A sink's name becomes a route id, a direct: URI and a metric label. */
    private static final Pattern SINK_NAME = Pattern.compile("[a-z0-9-]+");

    private final List<String> sinks;
    private final int auditBatchSize;
    private final long auditMaxBatchBytes;
    private final int maxPollRecords;
    private final Path sinkDir;
    private final int decodeThreads;

    public PipelineSettings(String sinks, String auditBatchSize, String auditMaxBatchBytes, String maxPollRecords,
                            String sinkDir, String routesDir, String decodeThreads) {
        this.sinks = parseSinks(sinks);
        this.auditBatchSize = positiveInt("AUDIT_BATCH_SIZE", auditBatchSize);
        this.auditMaxBatchBytes = positiveInt("AUDIT_MAX_BATCH_BYTES", auditMaxBatchBytes);
        this.maxPollRecords = positiveInt("CDC_MAX_POLL_RECORDS", maxPollRecords);
        if (sinkDir == null || sinkDir.isBlank()) {
            throw new IllegalArgumentException("SINK_DIR must not be empty");
        }
        this.sinkDir = Path.of(sinkDir).toAbsolutePath().normalize();
        checkRoutesDir(routesDir);
        this.decodeThreads = positiveInt("DECODE_THREADS", decodeThreads);
    }

    /** The sinks in SINKS, in the order a batch goes through them. */
    public List<String> sinks() {
        return sinks;
    }

    public int auditBatchSize() {
        return auditBatchSize;
    }

    public long auditMaxBatchBytes() {
        return auditMaxBatchBytes;
    }

    public int maxPollRecords() {
        return maxPollRecords;
    }

    /** Threads that decode a batch, the consumer thread included. */
    public int decodeThreads() {
        return decodeThreads;
    }

    public Path sinkDir() {
        return sinkDir;
    }

    static List<String> parseSinks(String value) {
        List<String> out = new ArrayList<>();
        for (String raw : (value == null ? "" : value).split(",")) {
            String name = raw.strip();
            if (name.isEmpty()) {
                continue;
            }
            if (!SINK_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("SINKS: sink name '" + name + "' in '" + value
                        + "' is not made of a-z, 0-9 and '-' only; sink N is the route cdc-sink-N");
            }
            if (out.contains(name)) {
                throw new IllegalArgumentException("SINKS: sink '" + name + "' is listed twice in '" + value + "'");
            }
            out.add(name);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("SINKS: at least one sink is required (audit, file, log, or the name of"
                    + " a route cdc-sink-N), got '" + value + "'");
        }
        return List.copyOf(out);
    }

    public static int positiveInt(String name, String value) {
        return atLeast(name, value, 1);
    }

    /** A whole-number setting of at least {@code min}; anything else stops startup naming the setting. */
    public static int atLeast(String name, String value, int min) {
        int n;
        try {
            n = Integer.parseInt(value == null ? "" : value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + value + "' is not a whole number");
        }
        if (n < min) {
            throw new IllegalArgumentException(name + ": must be at least " + min + ", got " + n);
        }
        return n;
    }

    /**
     * A duration setting as Camel writes them ({@code 5s}, {@code 1m30s}, {@code 500ms}; plain digits are
     * milliseconds), zero or more; anything else stops startup naming the setting.
     */
    public static Duration duration(String name, String value) {
        String v = value == null ? "" : value.strip();
        long millis;
        try {
            // Camel reads what it cannot parse as zero ("x", "PT5S", "-5s") and ignores what follows "5s" in "5s5"
            millis = DURATION.matcher(v).matches() ? TimeUtils.toMilliSeconds(v) : -1;
        } catch (RuntimeException e) {
            millis = -1;
        }
        if (millis < 0) {
            throw new IllegalArgumentException(name + ": expected a duration such as 5s, 1m30s or 500ms, got '"
                    + value + "'");
        }
        return Duration.ofMillis(millis);
    }

    /** A duration setting that must be more than zero. */
    public static Duration positiveDuration(String name, String value) {
        Duration d;
        try {
            d = duration(name, value);
        } catch (IllegalArgumentException e) {
            d = Duration.ZERO;
        }
        if (d.isZero()) {
            throw new IllegalArgumentException(name + ": expected a positive duration such as 5s, 1m30s or 500ms, got '"
                    + value + "'");
        }
        return d;
    }

    /** Boolean.parseBoolean reads anything but "true" as false: CHANGEFEED_ENABLED=yes turned the control plane off. */
    public static boolean flag(String name, String value) {
        String v = value == null ? "" : value.strip();
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw new IllegalArgumentException(name + ": expected true or false, got '" + value + "'");
    }

    /**
     * The pools connect lazily, so a URL no driver takes would otherwise only fail the first write, and be retried for
     * ever as if the database were down. The URL is not repeated: it may carry a password.
     */
    public static void checkJdbcUrl(String name, String url) {
        try {
            DriverManager.getDriver(url == null ? "" : url.strip());
        } catch (SQLException e) {
            throw new IllegalArgumentException(name + ": no JDBC driver of this application takes this URL;"
                    + " expected jdbc:mysql://host:port/database");
        }
    }

    /** Kafka's own rule for topic names (legal characters, at most 249 of them), named after the setting. */
    public static void checkTopicName(String setting, String name) {
        try {
            Topic.validate(name == null ? "" : name);
        } catch (InvalidTopicException e) {
            throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
        }
    }

    /** log4j reads LOG_LEVEL itself, and a level it does not know only gets a warning on its status logger. */
    public static void checkLogLevel(String value) {
        if (Level.getLevel(value == null ? "" : value.toUpperCase(Locale.ENGLISH)) == null) {
            throw new IllegalArgumentException("LOG_LEVEL: '" + value + "' is not a log level; use ERROR, WARN, INFO,"
                    + " DEBUG or TRACE");
        }
    }

    /** camel-main silently loads nothing from a folder without routes, which would look like a healthy idle consumer. */
    static void checkRoutesDir(String routesDir) {
        Path dir = Path.of(routesDir == null ? "" : routesDir);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("ROUTES_DIR: route folder '" + dir.toAbsolutePath()
                    + "' does not exist; run from the project root or set ROUTES_DIR");
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            // only *.camel.yaml is loaded: a route saved as .yml would be left out without a word
            List<String> unread = names.stream().filter(n -> n.endsWith(".camel.yml")).toList();
            if (!unread.isEmpty()) {
                throw new IllegalArgumentException("ROUTES_DIR: " + unread + " in '" + dir.toAbsolutePath()
                        + "' would not be loaded: routes are read from *.camel.yaml files; rename them");
            }
            if (names.stream().noneMatch(n -> n.endsWith(".camel.yaml"))) {
                throw new IllegalArgumentException("ROUTES_DIR: route folder '" + dir.toAbsolutePath()
                        + "' holds no *.camel.yaml file");
            }
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("ROUTES_DIR: cannot read '" + dir.toAbsolutePath() + "': "
                    + e.getMessage(), e);
        }
    }
}
