package org.tidbcdc.routes.settings;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.util.TimeUtils;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.utils.Utils;
import org.apache.logging.log4j.Level;

/**
 * What a setting's value is, and its check: a type (with its unit) and its valid values. {@link #parse} returns the
 * typed value, or throws an IllegalArgumentException whose message continues {@code NAME: }, for example
 * {@code must be at least 1, got 0}.
 *
 * @param name  the type as the reference names it: whole number, duration, true or false, one of, text, list
 * @param unit  ms, bytes, seconds, or empty
 * @param valid the valid values or range, as the reference shows them
 */
public record Type(String name, String unit, String valid, Function<String, Object> parser) {

    /** Digits alone (milliseconds), or days, hours, minutes, seconds and milliseconds in that order. */
    private static final Pattern DURATION = Pattern.compile("\\d+|(?=\\d)(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?(\\d+ms)?");

    /** The typed value of {@code value}, which is never null here. */
    public Object parse(String value) {
        return parser.apply(value);
    }

    /** A whole number from {@code min} to {@code max} (inclusive), in {@code unit}. */
    public static Type integer(long min, long max, String unit) {
        String valid = max == Integer.MAX_VALUE ? min + " or more" : min + " to " + max;
        return new Type("whole number", unit, valid, v -> {
            long n;
            try {
                n = Long.parseLong(v.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a whole number, got '" + v + "'");
            }
            if (n < min) {
                throw new IllegalArgumentException("must be at least " + min + ", got " + n);
            }
            if (n > max) {
                throw new IllegalArgumentException("must be at most " + max + ", got " + n);
            }
            return (int) n;
        });
    }

    /** A whole number of at least {@code min}. */
    public static Type atLeast(long min, String unit) {
        return integer(min, Integer.MAX_VALUE, unit);
    }

    /**
     * A duration as Camel writes them ({@code 5s}, {@code 1m30s}, {@code 500ms}; digits alone are milliseconds), of at
     * least {@code min}. Camel itself reads what it cannot parse as zero ("x", "PT5S", "-5s").
     */
    public static Type duration(Duration min) {
        String valid = min.isZero() ? "0 or more, e.g. 5s, 1m30s, 500ms" : "at least " + min.toMillis()
                + "ms, e.g. 5s, 1m30s, 500ms";
        return new Type("duration", "", valid, v -> {
            String s = v.strip();
            long millis;
            try {
                millis = DURATION.matcher(s).matches() ? TimeUtils.toMilliSeconds(s) : -1;
            } catch (RuntimeException e) {
                millis = -1;
            }
            if (millis < 0 || (millis == 0 && !min.isZero())) {
                throw new IllegalArgumentException("expected a " + (min.isZero() ? "" : "positive ")
                        + "duration such as 5s, 1m30s or 500ms, got '" + v + "'");
            }
            if (millis < min.toMillis()) {
                // a number without a unit is milliseconds: 5 asks 200 times a second
                throw new IllegalArgumentException("must be at least " + min.toMillis() + "ms, got '" + v
                        + "'; a number without a unit is milliseconds, write 5s for five seconds");
            }
            return Duration.ofMillis(millis);
        });
    }

    /** true or false, in any case; Boolean.parseBoolean would read "yes" as false. */
    public static Type flag() {
        return new Type("true or false", "", "true, false", v -> {
            String s = v.strip();
            if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(s);
            }
            throw new IllegalArgumentException("expected true or false, got '" + v + "'");
        });
    }

    /** One of {@code choices}, in any case; returned as written in {@code choices}. */
    public static Type oneOf(List<String> choices) {
        return new Type("one of", "", String.join(", ", choices), v -> {
            for (String c : choices) {
                if (c.equalsIgnoreCase(v.strip())) {
                    return c;
                }
            }
            throw new IllegalArgumentException("must be one of " + String.join(", ", choices) + ", got '" + v + "'");
        });
    }

    /** Any text, the empty text included; {@code valid} says what it should be. */
    public static Type text(String valid) {
        return new Type("text", "", valid, v -> v);
    }

    /** Text that must not be empty (or blank). */
    public static Type required(String valid) {
        return checked(valid, v -> v.isBlank() ? "must not be empty" : null);
    }

    /** Text whose problem, if any, {@code problem} returns (null when the value is fine). */
    public static Type checked(String valid, UnaryOperator<String> problem) {
        return new Type("text", "", valid, v -> {
            String p = problem.apply(v);
            if (p != null) {
                throw new IllegalArgumentException(p);
            }
            return v;
        });
    }

    /** A file or folder path; empty where {@code valid} allows it. */
    public static Type path(String valid) {
        return new Type("path", "", valid, v -> v);
    }

    /** A Kafka topic name, by Kafka's own rule (legal characters, at most 249 of them). */
    public static Type topic() {
        return checked("a Kafka topic name: letters, digits, '.', '_', '-'; at most 249", v -> {
            try {
                Topic.validate(v);
                return null;
            } catch (InvalidTopicException e) {
                return e.getMessage();
            }
        });
    }

    /** host:port[,host:port…]. */
    public static Type hostPorts() {
        return checked("host:port, several separated by commas", v -> {
            if (v.isBlank()) {
                return "must not be empty; e.g. kafka:9092";
            }
            for (String server : v.split(",")) {
                String s = server.strip();
                if (Utils.getHost(s) == null || Utils.getPort(s) == null) {
                    return "'" + s + "' is not host:port, such as kafka:9092 (several are separated by commas)";
                }
            }
            return null;
        });
    }

    /**
     * A JDBC URL a driver of this application takes. The pools connect lazily, so a URL no driver takes would
     * otherwise only fail the first write, and be retried for ever as if the database were down. The message does not
     * repeat the URL: it may carry a password.
     */
    public static Type jdbcUrl() {
        return checked("jdbc:mysql://host:port/database[?parameters]", v -> {
            try {
                DriverManager.getDriver(v.strip());
                return null;
            } catch (SQLException e) {
                return "no JDBC driver of this application takes this URL; expected jdbc:mysql://host:port/database";
            }
        });
    }

    /** A level log4j knows; log4j reads LOG_LEVEL itself and only warns on its status logger about one it does not. */
    public static Type logLevel() {
        return new Type("one of", "", "ERROR, WARN, INFO, DEBUG, TRACE", v -> {
            if (Level.getLevel(v.strip().toUpperCase(Locale.ENGLISH)) == null) {
                throw new IllegalArgumentException("'" + v + "' is not a log level; use ERROR, WARN, INFO, DEBUG or"
                        + " TRACE");
            }
            return v.strip().toUpperCase(Locale.ENGLISH);
        });
    }

    /** A comma-separated list of names matching {@code [a-z0-9-]+}, at least one, no duplicates; blanks ignored. */
    public static Type names(String valid) {
        return new Type("list", "", valid, v -> {
            Set<String> out = new LinkedHashSet<>();
            List<String> bad = new ArrayList<>();
            for (String raw : v.split(",")) {
                String name = raw.strip().toLowerCase(Locale.ROOT);
                if (name.isEmpty()) {
                    continue;
                }
                if (!name.matches("[a-z0-9-]+") || !out.add(name)) {
                    bad.add(raw.strip());
                }
            }
            if (!bad.isEmpty()) {
                throw new IllegalArgumentException("names must match [a-z0-9-]+ and appear once, got " + bad + " in '"
                        + v + "'");
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("at least one name is required, got '" + v + "'");
            }
            return List.copyOf(out);
        });
    }

    /**
     * The type Kafka's client gives {@code kafkaName} in {@code client}: its range or its valid strings, with our own
     * messages. Kafka's own ("Invalid value -5 for configuration fetch.max.wait.ms: Value must be at least 0") name
     * a setting the user never set.
     */
    public static Type kafka(ConfigDef client, String kafkaName, String unit) {
        ConfigDef.ConfigKey key = client.configKeys().get(kafkaName);
        String validator = key.validator == null ? "" : key.validator.toString();
        if (key.type == ConfigDef.Type.INT || key.type == ConfigDef.Type.LONG) {
            // ConfigDef.Range prints itself as [min,...], [...,max] or [min,...,max]
            Matcher m = Pattern.compile("\\[(-?\\d+)?,\\.\\.\\.(?:,(-?\\d+))?\\]").matcher(validator);
            long min = Integer.MIN_VALUE;
            long max = Integer.MAX_VALUE;
            if (m.matches()) {
                min = m.group(1) == null ? min : Long.parseLong(m.group(1));
                max = m.group(2) == null ? max : Long.parseLong(m.group(2));
            }
            return integer(min, max, unit);
        }
        if (key.type == ConfigDef.Type.STRING && validator.startsWith("[")) {
            return oneOf(List.of(validator.substring(1, validator.length() - 1).split(",\\s*")));
        }
        throw new IllegalStateException("no type for Kafka's " + kafkaName + " (" + key.type + " " + validator + ")");
    }
}
