package org.tidbcdc.routes.settings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;


/**
 * The data-plane settings that must be right before the first record is read. Each check fails startup with a message
 * that names the environment variable an operator sets, because that is what they will search for.
 */
public final class PipelineSettings {

    /** The sinks a change can be delivered to; SINKS lists the enabled ones. */
    public enum Sink {
        LOG, FILE, AUDIT
    }

    private final Set<Sink> sinks;
    private final int auditBatchSize;
    private final long auditMaxBatchBytes;
    private final int maxPollRecords;
    private final Path sinkDir;
    private final int decodeThreads;

    public PipelineSettings(String sinks, String auditBatchSize, String auditMaxBatchBytes, String maxPollRecords,
                            String sinkDir, String routesDir, String decodeThreads) {
        Settings.SINKS.parse(sinks);
        this.sinks = parseSinks(sinks);
        this.auditBatchSize = (Integer) Settings.AUDIT_BATCH_SIZE.parse(auditBatchSize);
        this.auditMaxBatchBytes = (Integer) Settings.AUDIT_MAX_BATCH_BYTES.parse(auditMaxBatchBytes);
        this.maxPollRecords = (Integer) Settings.CDC_MAX_POLL_RECORDS.parse(maxPollRecords);
        Settings.SINK_DIR.parse(sinkDir);
        this.sinkDir = Path.of(sinkDir).toAbsolutePath().normalize();
        checkRoutesDir(routesDir);
        this.decodeThreads = (Integer) Settings.DECODE_THREADS.parse(decodeThreads);
    }

    /** The data plane's settings, already checked against their declarations. */
    public PipelineSettings(SettingValues values) {
        this.sinks = parseSinks(String.join(",", values.names(Settings.SINKS)));
        this.auditBatchSize = values.integer(Settings.AUDIT_BATCH_SIZE);
        this.auditMaxBatchBytes = values.integer(Settings.AUDIT_MAX_BATCH_BYTES);
        this.maxPollRecords = values.integer(Settings.CDC_MAX_POLL_RECORDS);
        this.sinkDir = Path.of(values.text(Settings.SINK_DIR)).toAbsolutePath().normalize();
        this.decodeThreads = values.integer(Settings.DECODE_THREADS);
    }

    public boolean enabled(String sink) {
        return sinks.contains(Sink.valueOf(sink.toUpperCase(Locale.ROOT)));
    }

    public Set<Sink> sinks() {
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

    static Set<Sink> parseSinks(String value) {
        Set<Sink> out = EnumSet.noneOf(Sink.class);
        List<String> unknown = new ArrayList<>();
        for (String raw : (value == null ? "" : value).split(",")) {
            String name = raw.strip();
            if (name.isEmpty()) {
                continue;
            }
            try {
                out.add(Sink.valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("SINKS: unknown sink " + unknown + " in '" + value
                    + "'; known sinks are " + Arrays.stream(Sink.values())
                            .map(s -> s.name().toLowerCase(Locale.ROOT)).toList());
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("SINKS: at least one sink is required (log, file, audit), got '"
                    + value + "'");
        }
        return out;
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
