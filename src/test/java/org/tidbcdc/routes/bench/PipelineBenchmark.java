package org.tidbcdc.routes.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.tidbcdc.routes.testsupport.FirstAckProducer;
import org.tidbcdc.routes.testsupport.KafkaBroker;
import org.tidbcdc.routes.testsupport.MariaDbServer;
import org.tidbcdc.routes.testsupport.RoutesApp;
import org.tidbcdc.routes.testsupport.RoutesProcess;

/**
 * The pipeline benchmark: the real routes.jar against a real KRaft broker and a real MariaDB, compared with a raw
 * Kafka consumer on the same topic in the same run. See docs/performance.md for what each column means.
 *
 * <ol>
 *   <li>Loads N generated Canal-JSON records ({@link CanalRecordGenerator}) into a 3-partition topic.</li>
 *   <li>Drains that topic with the raw baseline, the routes with all three sinks, the routes with file and log only,
 *       and the raw baseline again; each from the start of the topic, in a new consumer group and a new process.</li>
 *   <li>Offers records at a fixed rate to a fresh topic, first to the routes with all sinks, then to the baseline, and
 *       measures the latency each change adds.</li>
 * </ol>
 */
public final class PipelineBenchmark implements AutoCloseable {

    /** The image's JAVA_TOOL_OPTIONS (Dockerfile, docker-compose.yml, docs/compose-stack.md "JVM settings"), so RSS is what users get. */
    public static final String DEFAULT_JVM_OPTIONS = "-XX:+UseSerialGC -Xms64m -Xmx256m -XX:MaxMetaspaceSize=128m"
            + " -XX:ReservedCodeCacheSize=64m -XX:MaxDirectMemorySize=64m -XX:+ExitOnOutOfMemoryError";

    /** The routes' default CDC_FETCH_MAX_WAIT_MS, read from application.properties: the baseline uses it too. */
    static final String ROUTES_FETCH_MAX_WAIT_MS = routesDefault("CDC_FETCH_MAX_WAIT_MS");
    private static final int PARTITIONS = 3;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final DateTimeFormatter DATETIME3 = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS]");

    /** What to run; every field has a system property (see {@link #fromSystemProperties}). */
    public record Options(int records, int watermarkEvery, int rate, int warmupSeconds, int latencySeconds,
                          String jvmOptions, boolean classDataArchive, Path workDir, long seed, boolean node) {
    }

    /**
     * One row of the table: one consumer's drain. Latency and startup are null where they were not measured. The last
     * {@code secondHalfRecords} records took the last {@code secondHalfSeconds} of the drain: the steady-state rate,
     * once the JIT has compiled the hot code (0 seconds when not measured).
     */
    public record Row(String name, long records, long bytes, double seconds, Double p50, Double p99, long peakRss,
                      Double startupMillis, long secondHalfRecords, double secondHalfSeconds) {

        double eventsPerSecond() {
            return records / seconds;
        }

        /** Records per second over the second half of the records; NaN when not measured. */
        double steadyEventsPerSecond() {
            return secondHalfSeconds > 0 ? secondHalfRecords / secondHalfSeconds : Double.NaN;
        }

        double megabytesPerSecond() {
            return bytes / seconds / 1e6;
        }
    }

    /** Everything one run measured. */
    public record Result(Options options, long records, long changes, long bytes, List<Row> rows, List<String> notes,
                         String markdown) {
    }

    private final Options options;
    private final KafkaBroker kafka;
    private final MariaDbServer db;
    private final List<String> notes = new ArrayList<>();
    private Path classDataArchive;
    private long lastCpuMillis;
    private long lastDbCpuMillis;
    private long lastJitMillis;

    public PipelineBenchmark(Options options) {
        this.options = options;
        this.kafka = KafkaBroker.start();
        this.db = MariaDbServer.start();
        db.applyDbScripts();
    }

    /** The default of {@code {{env:NAME:default}}} in the routes' application.properties. */
    static String routesDefault(String env) {
        try (var in = PipelineBenchmark.class.getResourceAsStream("/application.properties")) {
            String properties = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("\\{\\{env:" + env + ":([^}]*)}}")
                    .matcher(properties);
            if (!m.find()) {
                throw new IllegalStateException("application.properties has no default for " + env);
            }
            return m.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Options fromSystemProperties(int defaultRecords, int defaultWarmup, int defaultLatency) {
        return new Options(
                Integer.getInteger("bench.records", defaultRecords),
                Integer.getInteger("bench.watermark-every", 1000),
                Integer.getInteger("bench.rate", 2000),
                Integer.getInteger("bench.warmup-seconds", defaultWarmup),
                Integer.getInteger("bench.latency-seconds", defaultLatency),
                System.getProperty("bench.jvm-options", DEFAULT_JVM_OPTIONS),
                Boolean.parseBoolean(System.getProperty("bench.class-data-archive", "true")),
                Path.of(System.getProperty("bench.work-dir", "target/bench")).toAbsolutePath(),
                Long.getLong("bench.seed", 42),
                Boolean.getBoolean("bench.node"));
    }

    // ---- the run ---------------------------------------------------------------------------------------------------

    public Result run() throws Exception {
        Files.createDirectories(options.workDir());
        String topic = "bench-" + UUID.randomUUID();
        kafka.createTopic(topic, PARTITIONS);
        long t0 = System.nanoTime();
        Load load = load(topic);
        notes.add(String.format(Locale.ROOT, "Loaded %,d records (%,d changes, %,d watermarks, %.1f MB, %.0f bytes on"
                        + " average) in %.1f s before any consumer started.", load.records, load.changes,
                load.records - load.changes, load.bytes / 1e6, (double) load.bytes / load.records,
                (System.nanoTime() - t0) / 1e9));

        List<String> mariadb = db.query("select version(), @@innodb_flush_log_at_trx_commit,"
                + " @@innodb_buffer_pool_size, @@log_bin, @@sync_binlog").get(0);
        notes.add(String.format(Locale.ROOT, "MariaDB %s (its own process, on this machine):"
                        + " innodb_flush_log_at_trx_commit=%s, innodb_buffer_pool_size=%,d MB, log_bin=%s,"
                        + " sync_binlog=%s.", mariadb.get(0), mariadb.get(1),
                Long.parseLong(mariadb.get(2)) / 1024 / 1024, mariadb.get(3), mariadb.get(4)));
        if (options.classDataArchive()) {
            classDataArchive = classDataArchive();
        }
        if (System.getProperty("bench.base-jar") != null) {
            return paired(topic, load, Path.of(System.getProperty("bench.base-jar")).toAbsolutePath());
        }
        Row baseline1 = drainBaseline(topic, load, "raw baseline (first)");
        Row all = drainRoutes(topic, load, "routes: log, file, audit", "audit,file,log");
        Row fileLog = drainRoutes(topic, load, "routes: log, file", "log,file");
        Row logOnly = drainRoutes(topic, load, "routes: log", "log");
        Row node = options.node() ? drainNode(topic, load) : null;
        Row baseline2 = drainBaseline(topic, load, "raw baseline (second)");
        // the faster baseline is the one the ratios use: the conservative choice on a shared machine
        Row baseline = baseline1.seconds() <= baseline2.seconds() ? baseline1 : baseline2;
        notes.add(String.format(Locale.ROOT, "Raw baseline drained at %,.0f and %,.0f events/s (before and after the"
                + " routes); the ratios use the faster one.", baseline1.eventsPerSecond(), baseline2.eventsPerSecond()));

        Latency routesLatency = options.latencySeconds() > 0 ? latencyRoutes() : null;
        Latency baselineLatency = options.latencySeconds() > 0 ? latencyBaseline() : null;

        List<Row> rows = new ArrayList<>(List.of(
                withLatency(all, routesLatency),
                fileLog,
                logOnly));
        if (node != null) {
            rows.add(node);
        }
        rows.add(withLatency(new Row("raw baseline", baseline.records(), baseline.bytes(), baseline.seconds(), null,
                null, baseline.peakRss(), baseline.startupMillis(), baseline.secondHalfRecords(),
                baseline.secondHalfSeconds()), baselineLatency));
        String markdown = markdown(load, rows, baseline);
        return new Result(options, load.records, load.changes, load.bytes, rows, List.copyOf(notes), markdown);
    }

    /**
     * Paired runs: each routes configuration drains the topic with the base jar and with this build's in turn, so that
     * both meet the same moments of a shared machine; CPU per change is the figure to compare, rates are noisier.
     * {@code -Dbench.base-jar=old/routes.jar -Dbench.pairs=2 -Dbench.paired-sinks="log;log,file,audit"}, and
     * {@code -Dbench.base-routes-dir=old/routes} when the base reads other route files. Start without
     * the class-data archive ({@code -Dbench.class-data-archive=false}): it is made from this build's jar.
     */
    private Result paired(String topic, Load load, Path baseJar) throws Exception {
        int pairs = Integer.getInteger("bench.pairs", 2);
        String[] configurations = System.getProperty("bench.paired-sinks", "log;log,file,audit").split(";");
        String current = RoutesProcess.jar().toAbsolutePath().toString();
        List<Row> rows = new ArrayList<>();
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "Paired runs, %s: %,d records (%,d"
                        + " changes), base %s%n%n| sinks | jar | events/s | second half, events/s | routes CPU µs per"
                        + " change | of it the JIT compilers | routes CPU without the JIT | MariaDB CPU µs per change"
                        + " | peak RSS | startup |%n|---|---|--:|--:|--:|--:|--:|--:|--:|--:|%n",
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), load.records, load.changes,
                baseJar));
        try {
            for (String sinks : configurations) {
                for (int i = 0; i < pairs; i++) {
                    // the first drain of a pair measured 6-8% slower with the same jar twice: the order alternates
                    List<String> order = i % 2 == 0 ? List.of(baseJar.toString(), current)
                            : List.of(current, baseJar.toString());
                    for (String jar : order) {
                        System.setProperty("routes.jar", jar);
                        String which = jar.equals(current) ? "this build" : "base";
                        Row r = drainRoutes(topic, load, "routes: " + sinks + " (" + which + ")", sinks);
                        rows.add(r);
                        table.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %,.0f | %.1f | %.1f | %.1f | %.1f"
                                        + " | %s | %.2f s |%n", sinks, which, r.eventsPerSecond(),
                                r.steadyEventsPerSecond(),
                                lastCpuMillis * 1000.0 / load.changes, lastJitMillis * 1000.0 / load.changes,
                                (lastCpuMillis - lastJitMillis) * 1000.0 / load.changes,
                                lastDbCpuMillis * 1000.0 / load.changes, mb(r.peakRss()), r.startupMillis() / 1000));
                    }
                }
            }
        } finally {
            System.setProperty("routes.jar", current);
        }
        table.append('\n').append("Machine: ").append(hardware()).append('\n');
        table.append("JVM (as JAVA_TOOL_OPTIONS): `").append(options.jvmOptions()).append("`\n\n");
        for (String n : notes) {
            table.append("- ").append(n).append('\n');
        }
        return new Result(options, load.records, load.changes, load.bytes, rows, List.copyOf(notes),
                table.toString());
    }

    private static Row withLatency(Row r, Latency l) {
        return l == null ? r : new Row(r.name(), r.records(), r.bytes(), r.seconds(), l.p50, l.p99, r.peakRss(),
                r.startupMillis(), r.secondHalfRecords(), r.secondHalfSeconds());
    }

    // ---- load ------------------------------------------------------------------------------------------------------

    private record Load(long records, long changes, long bytes, Map<TopicPartition, Long> endOffsets) {
    }

    private Load load(String topic) throws Exception {
        CanalRecordGenerator gen = new CanalRecordGenerator(options.seed(), 1_735_689_600_000L, PARTITIONS,
                options.watermarkEvery());
        notes.add("Tables: " + gen + ".");
        long bytes = 0;
        try (FirstAckProducer producer = producer(20, 1024 * 1024)) {
            for (int i = 0; i < options.records(); i++) {
                CanalRecordGenerator.Generated g = gen.next();
                bytes += g.value().length;
                producer.send(new ProducerRecord<>(topic, g.partition(), null, g.value()));
            }
            producer.flush();
        }
        Map<TopicPartition, Long> end = endOffsets(topic);
        long total = end.values().stream().mapToLong(Long::longValue).sum();
        if (total != options.records()) {
            throw new IllegalStateException("loaded " + total + " records, wanted " + options.records());
        }
        return new Load(total, gen.changes(), bytes, end);
    }

    private FirstAckProducer producer(int lingerMs, int batchBytes) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, batchBytes);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
        return new FirstAckProducer(p);
    }

    private Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                specs.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listOffsets(specs).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        }
    }

    /**
     * The class-data archive of what startup loads, made as the image makes {@code /app/routes.jsa} (Dockerfile):
     * routes.jar started once for 5 s with the image's JVM options, the control plane on and nothing to reach. The
     * routes then start with it, as in the image; the baseline, another class path, starts without.
     */
    private Path classDataArchive() throws IOException {
        Path jsa = options.workDir().resolve("routes.jsa");
        Files.deleteIfExists(jsa);
        Map<String, String> env = new HashMap<>();
        env.put("JAVA_TOOL_OPTIONS", options.jvmOptions());
        env.put("CHANGEFEED_ENABLED", "true");
        env.put("KAFKA_BOOTSTRAP_SERVERS", "localhost:" + RoutesApp.freePort());
        env.put("SINK_DIR", freshDir("class-data-archive-sink").toString());
        Path log = options.workDir().resolve("class-data-archive.log");
        long t0 = System.nanoTime();
        try (RoutesProcess training = RoutesProcess.start(List.of(), env, List.of("-XX:ArchiveClassesAtExit=" + jsa),
                List.of("-d", "5"), log)) {
            if (!training.waitFor(Duration.ofSeconds(120)) || !Files.isRegularFile(jsa)) {
                throw new IllegalStateException("no class-data archive made; see " + log);
            }
        }
        notes.add(String.format(Locale.ROOT, "The routes start with a class-data archive (%.0f MB) made as the image"
                + " makes it, by starting routes.jar once for 5 s (%.1f s).", Files.size(jsa) / 1e6,
                (System.nanoTime() - t0) / 1e9));
        return jsa;
    }

    // ---- drain -----------------------------------------------------------------------------------------------------

    /**
     * The routes drain the loaded topic from the start. The clock starts when the first change line shows in the file
     * sink (so it also gives the startup time) and stops when the committed offsets of every partition reach the end
     * of the topic, which happens only after every enabled sink holds every change.
     */
    private Row drainRoutes(String topic, Load load, String name, String sinks) throws Exception {
        String run = "routes-" + sinks.replace(',', '-');
        Path sinkDir = freshDir(run + "-sink");
        emptyAuditTable(name);
        String group = "bench-" + UUID.randomUUID();
        try (RoutesProcess routes = startRoutes(topic, group, sinks, sinkDir, run)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60 + options.records() / 1000);
            long first = sinks.contains("file")
                    ? waitFor(() -> firstLineVisible(sinkDir), routes, deadline, POLL_NANOS)
                    : waitFor(() -> changeLogged(routes.log()), routes, deadline, POLL_NANOS);
            long cpuAtFirst = cpuMillis(routes.pid());
            long jitAtFirst = jitMillis(routes.pid());
            long dbCpuAtFirst = cpuMillis(db.pid());
            long last;
            long[] half = {0, 0};
            try (Admin admin = kafka.admin()) {
                last = waitFor(() -> {
                    long committed = committedRecords(admin, group, load.endOffsets());
                    if (half[0] == 0 && committed >= load.records() / 2) {
                        half[0] = System.nanoTime();
                        half[1] = committed;
                    }
                    return committed == load.records();
                }, routes, deadline, TimeUnit.MILLISECONDS.toNanos(20));
            }
            long peakRss = routes.peakRssBytes();
            long cpu = cpuMillis(routes.pid()) - cpuAtFirst;
            String threads = busiestThreads(routes.pid());
            long dbCpu = cpuMillis(db.pid()) - dbCpuAtFirst;
            lastJitMillis = jitMillis(routes.pid()) - jitAtFirst;
            lastCpuMillis = cpu;
            lastDbCpuMillis = dbCpu;
            long lines = sinks.contains("file") ? sinkLines(sinkDir) : load.changes();
            if (lines != load.changes()) {
                throw new IllegalStateException(name + ": " + lines + " lines in the file sink, wanted "
                        + load.changes());
            }
            if (sinks.contains("audit")) {
                long rows = db.queryLong("select count(*) from cdc_audit.change_event");
                if (rows != load.changes()) {
                    throw new IllegalStateException(name + ": " + rows + " audit rows, wanted " + load.changes());
                }
            }
            routes.terminate(Duration.ofSeconds(30));
            notes.add(String.format(Locale.ROOT, "%s: %.1f s drain, %,d ms of CPU in the routes process (%.0f µs per"
                    + " event) and %,d ms in MariaDB from the first event on; busiest threads over the process's life:"
                    + " %s.", name, (last - first) / 1e9, cpu, cpu * 1000.0 / load.records(), dbCpu, threads));
            return new Row(name, load.records(), load.bytes(), (last - first) / 1e9, null, null, peakRss,
                    (first - routes.startedNanos()) / 1e6, load.records() - half[1], (last - half[0]) / 1e9);
        }
    }

    private Row drainBaseline(String topic, Load load, String name) throws Exception {
        settle(name);
        try (Baseline b = Baseline.start(this, topic, load.records(), false, name.contains("first") ? "b1" : "b2")) {
            return drained(b, load, name, "baseline");
        }
    }

    /**
     * The seed's consumer (bench/node-consumer: kafkajs, JSON.parse, pretty-printed to stdout), its stdout in a file
     * next to the routes' logs; it needs {@code npm ci} in that folder (scripts/bench.sh runs it).
     */
    private Row drainNode(String topic, Load load) throws Exception {
        settle("Node consumer");
        try (Baseline b = Baseline.startNode(this, topic, load.records())) {
            return drained(b, load, "Node consumer (kafkajs), log only", "Node");
        }
    }

    private Row drained(Baseline b, Load load, String name, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60 + options.records() / 1000);
        while (b.drained == null) {
            if (System.nanoTime() > deadline || !b.process.isAlive() && b.drained == null) {
                Thread.sleep(200);
                if (b.drained == null) {
                    throw new IllegalStateException(name + " did not drain the topic; see " + b.log);
                }
            }
            Thread.sleep(20);
        }
        long[] d = b.drained;
        b.process.waitFor(30, TimeUnit.SECONDS);
        notes.add(String.format(Locale.ROOT, "%s: %.1f s drain, %,d ms of CPU in the %s process (%.0f µs per"
                + " event) from the first event on.", name, (d[3] - d[2]) / 1e9, b.cpu, what, b.cpu * 1000.0 / d[0]));
        return new Row(name, d[0], d[1], (d[3] - d[2]) / 1e9, null, null, b.peakRss,
                (d[2] - b.started) / 1e6, b.half == 0 ? 0 : d[0] - d[0] / 2, b.half == 0 ? 0 : (d[3] - b.half) / 1e9);
    }

    private RoutesProcess startRoutes(String topic, String group, String sinks, Path sinkDir, String run)
            throws IOException {
        Map<String, String> env = RoutesProcess.pipelineEnv(kafka.bootstrapServers(), db, topic, topic + "-dlq", group, group, sinkDir);
        env.put("SINKS", sinks);
        env.put("JAVA_TOOL_OPTIONS", options.jvmOptions()
                + (classDataArchive == null ? "" : " -XX:SharedArchiveFile=" + classDataArchive)
                + (Boolean.getBoolean("bench.profile")
                ? " -XX:FlightRecorderOptions:stackdepth=256 -XX:StartFlightRecording=settings=profile,filename=" + options.workDir().resolve(run + ".jfr") : ""));
        // experiments: -Dbench.routes-env=CDC_MAX_POLL_RECORDS=1000,AUDIT_BATCH_SIZE=1000
        for (String kv : System.getProperty("bench.routes-env", "").split(",")) {
            if (kv.contains("=")) {
                env.put(kv.substring(0, kv.indexOf('=')).strip(), kv.substring(kv.indexOf('=') + 1).strip());
            }
        }
        // paired runs of jars whose routes differ: -Dbench.base-routes-dir=<the base commit's routes/>
        String baseJar = System.getProperty("bench.base-jar");
        String baseRoutes = System.getProperty("bench.base-routes-dir");
        if (baseJar != null && baseRoutes != null
                && RoutesProcess.jar().toAbsolutePath().equals(Path.of(baseJar).toAbsolutePath())) {
            env.put("ROUTES_DIR", Path.of(baseRoutes).toAbsolutePath().toString());
        }
        Path log = options.workDir().resolve(run + ".log");
        Files.deleteIfExists(log);
        return RoutesProcess.start(env, List.of(), log);
    }

    /** The first change line of the log sink in the routes' log (without a file sink, the first event consumed). */
    private static boolean changeLogged(Path log) {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.anyMatch(l -> l.contains(" commitTs="));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    private static boolean firstLineVisible(Path sinkDir) {
        if (!Files.isDirectory(sinkDir)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(sinkDir)) {
            return files.anyMatch(f -> f.toString().endsWith(".jsonl") && f.toFile().length() > 0);
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** The group's committed records of the topic (each partition counted up to its end); 0 when not known. */
    private static long committedRecords(Admin admin, String group, Map<TopicPartition, Long> end) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            long records = 0;
            for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
                OffsetAndMetadata o = committed.get(e.getKey());
                records += o == null ? 0 : Math.min(o.offset(), e.getValue());
            }
            return records;
        } catch (Exception e) {
            return 0;
        }
    }

    /** Polls until the condition holds; returns the nanoTime it was first seen to hold. */
    private static long waitFor(java.util.function.BooleanSupplier condition, RoutesProcess routes, long deadline,
            long pollNanos) {
        while (!condition.getAsBoolean()) {
            if (!routes.isAlive()) {
                throw new IllegalStateException("routes.jar exited; see " + routes.log());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("routes.jar did not get there in time; see " + routes.log());
            }
            LockSupport.parkNanos(pollNanos);
        }
        return System.nanoTime();
    }

    private static long sinkLines(Path sinkDir) throws IOException {
        long lines = 0;
        try (Stream<Path> files = Files.walk(sinkDir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                byte[] all = Files.readAllBytes(f);
                for (byte b : all) {
                    if (b == '\n') {
                        lines++;
                    }
                }
            }
        }
        return lines;
    }

    private Path freshDir(String name) throws IOException {
        Path dir = options.workDir().resolve(name);
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        return dir;
    }

    // ---- latency ---------------------------------------------------------------------------------------------------

    private record Latency(Double p50, Double p99, long samples) {
    }

    /** Records sent at a fixed rate: the send time of each, by partition and offset. */
    private final class FixedRate {
        final Map<Long, Long> sentAt = new ConcurrentHashMap<>();
        final AtomicLong changesSent = new AtomicLong();
        long measuredFrom;

        /** Sends at {@code rate} records/s for warm-up plus measured seconds; returns when the last one is acked. */
        void run(String topic) {
            CanalRecordGenerator gen = new CanalRecordGenerator(options.seed() + 1, System.currentTimeMillis(),
                    PARTITIONS, options.watermarkEvery());
            long total = (long) options.rate() * (options.warmupSeconds() + options.latencySeconds());
            long interval = 1_000_000_000L / options.rate();
            long start = System.nanoTime();
            measuredFrom = System.currentTimeMillis() + options.warmupSeconds() * 1000L;
            try (FirstAckProducer producer = producer(0, 64 * 1024)) {
                for (long i = 0; i < total; i++) {
                    long due = start + i * interval;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    CanalRecordGenerator.Generated g = gen.next();
                    long ts = System.currentTimeMillis();
                    if (!g.watermark()) {
                        changesSent.incrementAndGet();
                    }
                    producer.send(new ProducerRecord<>(topic, g.partition(), ts, null, g.value()), (md, ex) -> {
                        if (md != null && !g.watermark()) {
                            sentAt.put(key(md.partition(), md.offset()), ts);
                        }
                    });
                }
                producer.flush();
            }
        }
    }

    private static long key(int partition, long offset) {
        return ((long) partition << 48) | offset;
    }

    /**
     * Offers records at the fixed rate to the routes (all sinks) and takes, for every change, the time its audit row
     * became visible to a reader polling the table every 5 ms, minus the record's Kafka timestamp. Both times come
     * from this JVM's wall clock; the poll interval makes the figure up to 5 ms high.
     */
    private Latency latencyRoutes() throws Exception {
        String topic = "latency-" + UUID.randomUUID();
        kafka.createTopic(topic, PARTITIONS);
        db.executeScript("truncate table cdc_audit.change_event;");
        Path sinkDir = freshDir("latency-sink");
        String group = "bench-" + UUID.randomUUID();
        try (RoutesProcess routes = startRoutes(topic, group, "audit,file,log", sinkDir, "latency-routes");
             Connection c = db.connect("cdc_audit")) {
            prime(topic, () -> db.queryLong("select count(*) from cdc_audit.change_event"), routes::isAlive);
            long primed = db.queryLong("select coalesce(max(id), 0) from cdc_audit.change_event");
            FixedRate offered = new FixedRate();
            Map<Long, long[]> visible = new HashMap<>();
            Thread producer = new Thread(() -> offered.run(topic), "bench-fixed-rate");
            producer.start();
            long lastId = primed;
            long deadline = Long.MAX_VALUE;
            try (PreparedStatement q = c.prepareStatement("select id, kafka_partition, kafka_offset, received_at"
                    + " from change_event where id > ? order by id")) {
                while (true) {
                    q.setLong(1, lastId);
                    try (ResultSet rs = q.executeQuery()) {
                        long now = System.currentTimeMillis();
                        while (rs.next()) {
                            lastId = rs.getLong(1);
                            visible.put(key(rs.getInt(2), rs.getLong(3)), new long[] {now, utcMillis(rs.getString(4))});
                        }
                    }
                    if (!producer.isAlive()) {
                        if (deadline == Long.MAX_VALUE) {
                            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                        }
                        if (visible.size() >= offered.changesSent.get() || System.nanoTime() > deadline) {
                            break;
                        }
                    }
                    if (!routes.isAlive()) {
                        throw new IllegalStateException("routes.jar exited; see " + routes.log());
                    }
                    LockSupport.parkNanos(POLL_NANOS);
                }
            }
            if (visible.size() < offered.changesSent.get()) {
                throw new IllegalStateException("only " + visible.size() + " of " + offered.changesSent.get()
                        + " offered changes reached the audit table; see " + routes.log());
            }
            List<Long> toVisible = new ArrayList<>();
            List<Long> toReceived = new ArrayList<>();
            StringBuilder csv = new StringBuilder("timestamp_ms,visible_ms,received_at_ms\n");
            offered.sentAt.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> {
                long ts = e.getValue();
                long[] v = visible.get(e.getKey());
                if (ts >= offered.measuredFrom && v != null) {
                    toVisible.add(v[0] - ts);
                    toReceived.add(v[1] - ts);
                    csv.append(ts).append(',').append(v[0]).append(',').append(v[1]).append('\n');
                }
            });
            Files.writeString(options.workDir().resolve("latency-routes.csv"), csv);
            long rss = routes.peakRssBytes();
            routes.terminate(Duration.ofSeconds(30));
            Latency l = latency(toVisible);
            Latency statementStart = latency(toReceived);
            notes.add(String.format(Locale.ROOT, "Latency, routes with all sinks: %,d changes offered at %,d records/s"
                            + " for %d s after a %d s warm-up; record timestamp to audit row visible p50 %.0f ms, p99"
                            + " %.0f ms, max %.0f ms; to the row's received_at (the INSERT statement's start, a lower"
                            + " bound) p50 %.0f ms, p99 %.0f ms. Peak RSS of this run %s.", l.samples,
                    options.rate(), options.latencySeconds(), options.warmupSeconds(), l.p50, l.p99,
                    percentile(toVisible, 1.0), statementStart.p50, statementStart.p99, mb(rss)));
            return l;
        }
    }

    /** The raw baseline at the same offered rate: record timestamp to the end of its Jackson parse. */
    private Latency latencyBaseline() throws Exception {
        String topic = "latency-" + UUID.randomUUID();
        kafka.createTopic(topic, PARTITIONS);
        long total = PARTITIONS + (long) options.rate() * (options.warmupSeconds() + options.latencySeconds());
        try (Baseline b = Baseline.start(this, topic, total, true, "latency-baseline")) {
            prime(topic, () -> b.seen, b.process::isAlive);
            FixedRate offered = new FixedRate();
            offered.run(topic);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (b.drained == null && System.nanoTime() < deadline && b.process.isAlive()) {
                Thread.sleep(20);
            }
            b.process.waitFor(10, TimeUnit.SECONDS);
            if (b.drained == null) {
                throw new IllegalStateException("the latency baseline did not finish; see " + b.log);
            }
            List<Long> measured = new ArrayList<>();
            for (long[] l : b.latencies) {
                if (l[0] >= offered.measuredFrom) {
                    measured.add(l[1]);
                }
            }
            Latency l = latency(measured);
            notes.add(String.format(Locale.ROOT, "Latency, raw baseline: record timestamp to the end of the parse,"
                    + " p50 %.0f ms, p99 %.0f ms over %,d records.", l.p50, l.p99, l.samples));
            return l;
        }
    }

    /** One record per partition, then waits until the consumer has taken them in: it is assigned and polling. */
    private void prime(String topic, LongSupplier consumed, java.util.function.BooleanSupplier alive)
            throws InterruptedException {
        CanalRecordGenerator gen = new CanalRecordGenerator(options.seed() + 2, System.currentTimeMillis(), PARTITIONS,
                Integer.MAX_VALUE);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        boolean[] covered = new boolean[PARTITIONS];
        int n = 0;
        while (n < PARTITIONS) {
            CanalRecordGenerator.Generated g = gen.next();
            if (!covered[g.partition()]) {
                covered[g.partition()] = true;
                n++;
                records.add(new ProducerRecord<>(topic, g.partition(), null, g.value()));
            }
        }
        kafka.sendAll(records);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (consumed.getAsLong() < PARTITIONS) {
            if (!alive.getAsBoolean() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the consumer did not take in the priming records");
            }
            Thread.sleep(20);
        }
    }

    private static long utcMillis(String datetime3) {
        return LocalDateTime.parse(datetime3, DATETIME3).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    private static Latency latency(List<Long> samples) {
        return new Latency(percentile(samples, 0.50), percentile(samples, 0.99), samples.size());
    }

    /** Nearest rank. */
    static double percentile(List<Long> samples, double q) {
        if (samples.isEmpty()) {
            return Double.NaN;
        }
        long[] sorted = samples.stream().mapToLong(Long::longValue).sorted().toArray();
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    // ---- the baseline process --------------------------------------------------------------------------------------

    /** {@link RawBaseline} as its own JVM, with the routes' JVM settings and class path. */
    private static final class Baseline implements AutoCloseable {
        final Process process;
        final long started;
        final Path log;
        volatile long seen;
        volatile long[] drained;
        /** When half of the records were consumed (nanoTime), or 0. */
        volatile long half;
        volatile long peakRss = -1;
        volatile long cpuAtFirst;
        volatile long cpu;
        final List<long[]> latencies = new ArrayList<>();
        private final java.io.InputStream control;

        private Baseline(Process process, long started, Path log, java.io.InputStream control) {
            this.process = process;
            this.started = started;
            this.log = log;
            this.control = control;
        }

        /** bench/node-consumer/consumer.js: its reports come on stderr, its pretty-printed records go to a file. */
        static Baseline startNode(PipelineBenchmark bench, String topic, long expected) throws IOException {
            Path dir = Path.of("bench", "node-consumer").toAbsolutePath();
            if (!Files.isDirectory(dir.resolve("node_modules"))) {
                throw new IllegalStateException("run `npm ci` in " + dir + " first (scripts/bench.sh does)");
            }
            Path out = bench.options.workDir().resolve("node-consumer.out");
            ProcessBuilder pb = new ProcessBuilder("node", dir.resolve("consumer.js").toString(),
                    bench.kafka.bootstrapServers(), topic, "bench-" + UUID.randomUUID(), String.valueOf(expected),
                    System.getProperty("bench.fetch-max-wait-ms", ROUTES_FETCH_MAX_WAIT_MS))
                    .redirectOutput(ProcessBuilder.Redirect.to(out.toFile()));
            return started(pb, out, true);
        }

        static Baseline start(PipelineBenchmark bench, String topic, long expected, boolean latency, String run)
                throws IOException {
            Path testClasses;
            try {
                testClasses = Path.of(RawBaseline.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", RoutesProcess.jar().toAbsolutePath() + java.io.File.pathSeparator + testClasses,
                    RawBaseline.class.getName(), bench.kafka.bootstrapServers(), topic,
                    "bench-" + UUID.randomUUID(), String.valueOf(expected), "500", "16777216",
                    System.getProperty("bench.fetch-max-bytes", "16777216"),
                    System.getProperty("bench.fetch-max-wait-ms", ROUTES_FETCH_MAX_WAIT_MS)));
            if (latency) {
                cmd.add("latency");
            }
            Path log = bench.options.workDir().resolve(run + ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.to(log.toFile()));
            pb.environment().put("JAVA_TOOL_OPTIONS", bench.options.jvmOptions());
            return started(pb, log, false);
        }

        /** Starts the process and reads its reports from stderr or stdout, on a thread of their own. */
        private static Baseline started(ProcessBuilder pb, Path log, boolean reportsOnStderr) throws IOException {
            long t0 = System.nanoTime();
            Process process = pb.start();
            Baseline b = new Baseline(process, t0, log,
                    reportsOnStderr ? process.getErrorStream() : process.getInputStream());
            Thread reader = new Thread(b::read, "bench-consumer-reports");
            reader.setDaemon(true);
            reader.start();
            return b;
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(control,
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    String[] f = line.split(" ");
                    switch (f[0]) {
                        case "SEEN" -> seen = Long.parseLong(f[1]);
                        case "HALF" -> half = Long.parseLong(f[1]);
                        case "FIRST" -> {
                            seen = Math.max(seen, 1);
                            cpuAtFirst = cpuMillis(process.pid());
                        }
                        case "L" -> latencies.add(new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
                        case "DRAINED" -> {
                            peakRss = peakRssOf(process.pid());
                            cpu = cpuMillis(process.pid()) - cpuAtFirst;
                            drained = new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                                Long.parseLong(f[4])};
                            // the baseline waits for this to exit: before, /proc had at times lost it already
                            process.getOutputStream().close();
                        }
                        default -> {
                        }
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    /** The threads of a process that used the most CPU, with their CPU time: where a drain's CPU goes. */
    static String busiestThreads(long pid) {
        List<Map.Entry<String, Long>> threads = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                String stat = Files.readString(task.resolve("stat"));
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                threads.add(Map.entry(name, cpuMillis(stat)));
            }
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
        Map<String, Long> byName = new HashMap<>();
        threads.forEach(t -> byName.merge(t.getKey().replaceAll("\\d+$", "#"), t.getValue(), Long::sum));
        return byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
                .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%,d ms", e.getValue()))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** CPU time of a process's JIT compiler threads (C1, C2) from /proc, in milliseconds: paid once per process. */
    static long jitMillis(long pid) {
        long sum = 0;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                        sum += cpuMillis(stat);
                    }
                } catch (IOException | RuntimeException gone) {
                    // a thread that ended between the list and the read
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return sum;
    }

    /**
     * Empties the audit table once the machine has settled. Right after a drain MariaDB has refused the TRUNCATE with a
     * lock wait timeout (seen once in CI, as the routes process before it closed its connections); it is asked again.
     */
    private void emptyAuditTable(String before) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            settle(before);
            try {
                db.executeScript("truncate table cdc_audit.change_event;");
                return;
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof java.sql.SQLTransientException) || attempt == 5) {
                    throw e;
                }
                notes.add("MariaDB refused to empty the audit table before " + before + " (" + e.getCause().getMessage()
                        + "); asked again.");
            }
        }
    }

    /**
     * Waits until the machine is idle (less than 10% of one core busy over half a second), at most 60 s: the database
     * purges and flushes for seconds after a drain that wrote the audit table, which slowed the drain after it.
     */
    private void settle(String before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long[] previous = machineTicks();
        while (System.nanoTime() < deadline) {
            Thread.sleep(500);
            long[] now = machineTicks();
            long busy = now[0] - previous[0];
            long total = now[1] - previous[1];
            previous = now;
            if (total > 0 && busy * 10 * Runtime.getRuntime().availableProcessors() < total) {
                return;
            }
        }
        notes.add("The machine was still busy 60 s after the drain before " + before + ".");
    }

    /** Busy and total clock ticks of all CPUs since boot, from /proc/stat (idle and iowait count as not busy). */
    private static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** User plus system CPU time of a process from /proc, in milliseconds (10 ms resolution); -1 where unknown. */
    static long cpuMillis(long pid) {
        try {
            return cpuMillis(Files.readString(Path.of("/proc", String.valueOf(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** utime plus stime (fields 14 and 15, clock ticks of 10 ms) of a /proc stat line. */
    private static long cpuMillis(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
    }

    /** VmHWM of a process from /proc, in bytes; -1 where there is none. */
    private static long peakRssOf(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    // ---- the report ------------------------------------------------------------------------------------------------

    private String markdown(Load load, List<Row> rows, Row baseline) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "Pipeline benchmark, %s: %,d records (%,d changes), %.1f MB; latency at"
                        + " %,d records/s for %d s after %d s warm-up%n%n", Instant.now().truncatedTo(
                                java.time.temporal.ChronoUnit.SECONDS), load.records, load.changes, load.bytes / 1e6,
                options.rate(), options.latencySeconds(), options.warmupSeconds()));
        b.append("| configuration | events/s | second half, events/s | MB/s | ratio to raw | latency p50 | latency p99"
                + " | peak RSS | startup |\n");
        b.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "| %s | %,.0f | %s | %.1f | %.0f%% | %s | %s | %s | %s |%n", r.name(),
                    r.eventsPerSecond(), Double.isNaN(r.steadyEventsPerSecond()) ? "—"
                            : String.format(Locale.ROOT, "%,.0f", r.steadyEventsPerSecond()),
                    r.megabytesPerSecond(), 100 * r.eventsPerSecond()
                            / baseline.eventsPerSecond(), ms(r.p50()), ms(r.p99()), mb(r.peakRss()),
                    r.startupMillis() == null ? "—" : String.format(Locale.ROOT, "%.2f s", r.startupMillis() / 1000)));
        }
        b.append('\n');
        b.append("Machine: ").append(hardware()).append('\n');
        b.append("JVM (routes and baseline, as JAVA_TOOL_OPTIONS): `").append(options.jvmOptions()).append('`')
                .append(classDataArchive == null ? "" : "; the routes add `-XX:SharedArchiveFile=routes.jsa`")
                .append("\n\n");
        for (String n : notes) {
            b.append("- ").append(n).append('\n');
        }
        return b.toString();
    }

    private static String ms(Double v) {
        return v == null || v.isNaN() ? "—" : String.format(Locale.ROOT, "%.0f ms", v);
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "—" : String.format(Locale.ROOT, "%.0f MB", bytes / 1024.0 / 1024.0);
    }

    /** nproc, CPU model, RAM and the load average when the report was written. */
    static String hardware() {
        String cpu = "unknown CPU";
        String ram = "unknown RAM";
        String load = "";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
            ram = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().map(l -> String.format(Locale.ROOT, "%.1f GB RAM",
                            Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0)).orElse(ram);
            load = ", load average " + Files.readString(Path.of("/proc/loadavg")).split(" ")[0] + " at the end";
        } catch (IOException | RuntimeException e) {
            // not Linux: leave it unknown
        }
        return Runtime.getRuntime().availableProcessors() + " CPUs (" + cpu + "), " + ram + load
                + "; broker in the benchmark JVM, MariaDB and each consumer in their own process, all on this machine";
    }

    @Override
    public void close() {
        kafka.close();
        db.close();
    }
}
