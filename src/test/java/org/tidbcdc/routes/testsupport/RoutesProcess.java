package org.tidbcdc.routes.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code routes.jar} as its own process, configured through environment variables exactly as an operator
 * does, so that a SIGKILL is a real kill and memory is the process's own.
 */
public final class RoutesProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int managementPort;
    private final Path log;
    private final long startedNanos;

    private RoutesProcess(Process process, int managementPort, Path log, long startedNanos) {
        this.process = process;
        this.managementPort = managementPort;
        this.log = log;
        this.startedNanos = startedNanos;
    }

    /** The jar the failsafe run built; {@code -Droutes.jar=…} overrides it. */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("routes.jar", "target/routes.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run `mvn package` first");
        }
        return jar;
    }

    /**
     * The environment that points a routes process at the test broker and database, one topic, its group and member,
     * and a sink folder; callers add what their run varies.
     */
    public static Map<String, String> pipelineEnv(String bootstrapServers, MariaDbServer db, String topic, String dlq,
            String group, String instance, Path sinkDir) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        env.put("CDC_TOPIC", topic);
        env.put("CDC_DLQ_TOPIC", dlq);
        env.put("CDC_GROUP_ID", group);
        env.put("CDC_INSTANCE_ID", instance);
        env.put("SINK_DIR", sinkDir.toString());
        env.put("AUDIT_JDBC_URL", db.jdbcUrl("cdc_audit"));
        env.put("AUDIT_DB_USER", "root");
        return env;
    }

    /**
     * Starts {@code java -jar routes.jar} in the project root with the given environment (on top of a few test
     * defaults) and JVM options; its output goes to {@code log}.
     */
    public static RoutesProcess start(Map<String, String> env, List<String> jvmOptions, Path log) {
        return start(List.of(), env, jvmOptions, log);
    }

    /** As {@link #start(Map, List, Path)}, with {@code java} run through {@code launcher} (for example setpriv). */
    public static RoutesProcess start(List<String> launcher, Map<String, String> env, List<String> jvmOptions,
            Path log) {
        return start(launcher, env, jvmOptions, List.of(), log);
    }

    /** As {@link #start(List, Map, List, Path)}, with camel-main's command-line arguments (for example -d 5). */
    public static RoutesProcess start(List<String> launcher, Map<String, String> env, List<String> jvmOptions,
            List<String> args, Path log) {
        int port = RoutesApp.freePort();
        List<String> cmd = new ArrayList<>(launcher);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(jar().toAbsolutePath().toString());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> e = pb.environment();
        e.put("MANAGEMENT_PORT", String.valueOf(port));
        e.put("CHANGEFEED_ENABLED", "false");
        e.putAll(env);
        try {
            long t0 = System.nanoTime();
            return new RoutesProcess(pb.start(), port, log, t0);
        } catch (IOException ex) {
            throw new IllegalStateException("cannot start routes.jar", ex);
        }
    }

    /**
     * A launcher under which file permissions hold for the process even when the tests run as root: root's
     * CAP_DAC_OVERRIDE (and CAP_DAC_READ_SEARCH) are dropped from its bounding set, so a read-only folder is read-only
     * to it. Empty when not running as root, where permissions hold anyway.
     */
    public static List<String> subjectToFilePermissions() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return List.of();
        }
        if (!Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
            throw new IllegalStateException("running as root without /usr/bin/setpriv (util-linux): cannot drop "
                    + "CAP_DAC_OVERRIDE, so a read-only folder would stay writable");
        }
        return List.of("/usr/bin/setpriv", "--bounding-set", "-dac_override,-dac_read_search");
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code of a process that has ended. */
    public int exitCode() {
        return process.exitValue();
    }

    public long startedNanos() {
        return startedNanos;
    }

    public Path log() {
        return log;
    }

    /** GET on the management port; the status code, or -1 when nothing answers. */
    public int status(String path) {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                    + path)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public String body(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** SIGKILL: no shutdown hook, no flush, no commit. */
    public void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(30));
    }

    /** SIGTERM: camel-main's graceful shutdown. Returns whether the process exited within the timeout. */
    public boolean terminate(Duration timeout) {
        process.destroy();
        return waitFor(timeout);
    }

    public boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Peak resident set size (VmHWM) in bytes, from /proc; -1 where /proc is not there. */
    public long peakRssBytes() {
        return procStatus("VmHWM:");
    }

    public long rssBytes() {
        return procStatus("VmRSS:");
    }

    /**
     * Java heap in use (survivor, eden and old spaces), in bytes, as {@code jstat -gc} reads it from the process's
     * performance counters; -1 when jstat is not there or the process is gone.
     */
    public long heapUsedBytes() {
        Path jstat = Path.of(System.getProperty("java.home"), "bin", "jstat");
        if (!Files.isExecutable(jstat) || !process.isAlive()) {
            return -1;
        }
        try {
            Process p = new ProcessBuilder(jstat.toString(), "-gc", String.valueOf(process.pid()))
                    .redirectErrorStream(true).start();
            List<String> lines = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
            p.waitFor(10, TimeUnit.SECONDS);
            if (lines.size() < 2) {
                return -1;
            }
            List<String> names = List.of(lines.get(0).split("\\s+"));
            String[] values = lines.get(1).split("\\s+");
            double kb = 0;
            for (String column : List.of("S0U", "S1U", "EU", "OU")) {
                kb += Double.parseDouble(values[names.indexOf(column)]);
            }
            return (long) (kb * 1024);
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private long procStatus(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(30));
        }
    }
}
