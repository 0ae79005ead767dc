package org.tidbcdc.routes.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.tidbcdc.routes.testsupport.CanalRecords;
import org.tidbcdc.routes.testsupport.KafkaBroker;
import org.tidbcdc.routes.testsupport.RoutesApp;
import org.tidbcdc.routes.testsupport.RoutesProcess;

/**
 * The two example sinks of examples/sinks, copied beside the shipped routes into a ROUTES_DIR and run by the real
 * routes.jar against a real broker: nothing is lost through a SIGKILL of the routes, nor through the webhook
 * receiver's outage; every change of a row lands on one partition of its table's topic, in commit order. Each run
 * ends with a timed load, printed as the example's rate.
 */
class ExampleSinksIT {

    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static KafkaBroker kafka;

    /** Kept after the run: the routes' logs of each test. */
    Path dir;

    @BeforeEach
    void workDir(TestInfo test) throws IOException {
        dir = Files.createDirectories(Path.of("target", "example-sinks", test.getTestMethod().orElseThrow().getName()
                + "-" + UUID.randomUUID().toString().substring(0, 8)));
    }

    @BeforeAll
    static void startBroker() {
        kafka = KafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // kafka-per-table

    @Test
    void kafkaPerTableKeepsEveryRowOnOnePartitionInCommitOrderThroughAKill() throws Exception {
        String prefix = "kpt" + UUID.randomUUID().toString().substring(0, 8);
        String source = prefix + "-source";
        kafka.createTopic(source, 3);
        List<String> tables = List.of("orders", "order-lines");
        List<String> topics = new ArrayList<>();
        for (String table : tables) {
            topics.add(KafkaPerTable.topic(prefix, "app_db", table));
        }
        for (String topic : topics) {
            kafka.createTopic(topic, 3);
        }
        String ddlTopic = prefix + ".ddl";
        kafka.createTopic(ddlTopic, 1);
        assertThat(topics).contains(prefix + ".app_db.order-2Dlines");

        int rows = 60;
        int versions = 30;
        long ts = produceRowVersions(source, tables, rows, versions, 0, CanalRecords.BASE_TS);
        kafka.send(source, 0, null, ddl("app_db", "orders", ts + 1, "ALTER TABLE orders ADD COLUMN note text"));
        int expected = tables.size() * rows * versions;

        Map<String, String> env = env(source, prefix, "kafka-per-table");
        env.put("KAFKA_PER_TABLE_PREFIX", prefix);
        Path routesDir = routesDir("kafka-per-table.camel.yaml");
        env.put("ROUTES_DIR", routesDir.toString());
        TopicReader reader = new TopicReader(topics);
        RoutesProcess routes = RoutesProcess.start(env, List.of("-Xmx256m"), dir.resolve("routes-1.log"));
        try {
            awaitAlive(routes, "a third of the changes republished", () -> reader.distinct() >= expected / 3);
            routes.kill();
            int beforeRestart = reader.distinct();
            routes = RoutesProcess.start(env, List.of("-Xmx256m"), dir.resolve("routes-2.log"));
            RoutesProcess second = routes;
            awaitAlive(second, "every change republished after the SIGKILL at " + beforeRestart,
                    () -> reader.distinct() >= expected);

            assertThat(reader.distinct()).isEqualTo(expected);
            Map<String, Integer> partitionOfKey = new HashMap<>();
            Map<String, List<Integer>> versionsOfKey = new LinkedHashMap<>();
            Set<String> seen = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : reader.records()) {
                String key = new String(r.key(), StandardCharsets.UTF_8);
                JsonNode change = JSON.readTree(r.value());
                assertThat(header(r, "cdcEventKey")).isEqualTo(change.path("eventKey").asText());
                assertThat(key).isEqualTo("{\"database\":\"app_db\",\"table\":\"" + change.path("table").asText()
                        + "\",\"pk\":{\"id\":" + change.path("pk").path("id").asLong() + "}}");
                assertThat(r.topic()).isEqualTo(KafkaPerTable.topic(prefix, "app_db", change.path("table").asText()));
                Integer partition = partitionOfKey.putIfAbsent(key, r.partition());
                assertThat(partition == null ? r.partition() : partition).as("partition of " + key)
                        .isEqualTo(r.partition());
                // a replay after the kill repeats a tail of the row's changes: the first copy of each is in order
                if (seen.add(change.path("eventKey").asText())) {
                    versionsOfKey.computeIfAbsent(key, k -> new ArrayList<>())
                            .add(Integer.parseInt(change.path("after").path("v").asText()));
                }
            }
            assertThat(versionsOfKey).hasSize(tables.size() * rows);
            List<Integer> inOrder = new ArrayList<>();
            for (int v = 0; v < versions; v++) {
                inOrder.add(v);
            }
            versionsOfKey.forEach((key, seq) -> assertThat(seq).as("versions of " + key).isEqualTo(inOrder));
            List<ConsumerRecord<byte[], byte[]>> ddl = kafka.read(ddlTopic, 1, WAIT);
            assertThat(JSON.readTree(ddl.get(0).value()).path("op").asText()).isEqualTo("DDL");
            assertThat(new String(ddl.get(0).key(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"database\":\"app_db\",\"table\":\"orders\"}");
            System.out.printf("ExampleSinksIT kafka-per-table: %,d changes, %,d distinct before the SIGKILL, "
                    + "%,d records in all (replays)%n", expected, beforeRestart, reader.records().size());

            // the timed run: the routes are warm, the load is sent at once, the clock stops at its last change
            int load = 20_000;
            int before = reader.distinct();
            long t0 = System.nanoTime();
            produceRowVersions(source, tables, 500, load / (tables.size() * 500), rows, ts + 10);
            awaitCommitted(second, source, "the timed load republished and committed");
            report("kafka-per-table", load, System.nanoTime() - t0, second);
            awaitAlive(second, "the timed load read back", () -> reader.distinct() >= before + load);
            assertThat(reader.distinct()).isEqualTo(before + load);
        } finally {
            routes.close();
            reader.close();
        }
    }

    /** Rows {@code firstId..} of each table, each updated {@code versions} times (value v = 0, 1, ...). */
    private static long produceRowVersions(String topic, List<String> tables, int rows, int versions, int firstId,
            long ts) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int v = 0; v < versions; v++) {
            for (String table : tables) {
                for (int id = firstId; id < firstId + rows; id++) {
                    ts++;
                    byte[] value = v == 0 ? CanalRecords.insert("app_db", table, id, ts, "0")
                            : CanalRecords.update("app_db", table, id, ts, String.valueOf(v - 1), String.valueOf(v));
                    // as TiCDC's index-value dispatcher: every change of a row in one partition
                    records.add(new ProducerRecord<>(topic, id % 3, null, value));
                }
            }
        }
        kafka.sendAll(records);
        return ts;
    }

    private static byte[] ddl(String db, String table, long commitTs, String sql) {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", 0);
        r.put("database", db);
        r.put("table", table);
        r.putNull("pkNames");
        r.put("isDdl", true);
        r.put("type", "ALTER");
        r.put("es", commitTs >>> 18);
        r.put("ts", (commitTs >>> 18) + 5);
        r.put("sql", sql);
        r.putNull("sqlType");
        r.putNull("mysqlType");
        r.putNull("data");
        r.putNull("old");
        r.putObject("_tidb").put("commitTs", commitTs);
        return CanalRecords.bytes(r);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // webhook

    @Test
    void webhookDeliversEveryChangeThroughRefusalsAKillAndAnOutageAndDeadLettersPermanentRefusals() throws Exception {
        String source = "wh-" + UUID.randomUUID().toString().substring(0, 8);
        String deadLetters = source + "-dead-letters";
        kafka.createTopic(source, 3);
        kafka.createTopic(deadLetters, 1);
        Receiver receiver = new Receiver(RoutesApp.freePort());
        // the first answers: 503 and 429 with a Retry-After, and 408, all retried
        receiver.script("503:1", "429:1", "408:", "503:");
        receiver.start();

        int rows = 40;
        int versions = 10;
        // hooked: app_db.hooked; app_db.other is not in WEBHOOK_TABLES
        long ts = produceRowVersions(source, List.of("hooked", "other"), rows, versions, 0, CanalRecords.BASE_TS);
        int expected = rows * versions;
        // the receiver refuses version 3 of every tenth row for good
        Set<String> refused = new HashSet<>();
        for (int id = 0; id < rows; id += 10) {
            refused.add(id + ":3");
        }

        Map<String, String> env = env(source, "wh", "webhook");
        env.put("ROUTES_DIR", routesDir("webhook.camel.yaml").toString());
        env.put("WEBHOOK_URL", receiver.url());
        env.put("WEBHOOK_TABLES", "app_db.hooked,app_db.absent");
        env.put("WEBHOOK_DEAD_LETTER_TOPIC", deadLetters);
        receiver.refuse(refused);
        RoutesProcess routes = RoutesProcess.start(env, List.of("-Xmx256m"), dir.resolve("routes-1.log"));
        try {
            awaitAlive(routes, "a quarter of the changes delivered", () -> receiver.delivered() >= expected / 4);
            routes.kill();
            receiver.stop();
            int atKill = receiver.delivered();
            routes = RoutesProcess.start(env, List.of("-Xmx256m"), dir.resolve("routes-2.log"));
            RoutesProcess second = routes;
            // the outage: the routes retry against a closed port, and rewind, until the receiver is back
            awaitAlive(second, "a retry against the receiver that is down",
                    () -> logOf(second).contains("failed: Connection refused"));
            receiver.start();
            awaitAlive(second, "every change delivered after the outage",
                    () -> receiver.delivered() >= expected - refused.size());

            assertThat(receiver.delivered()).isEqualTo(expected - refused.size());
            assertThat(receiver.tables()).containsExactly("hooked");
            assertThat(receiver.outOfOrder()).as("a row's version delivered after a later one").isZero();
            assertThat(receiver.keyMismatches()).as("Idempotency-Key differs from the change's eventKey").isZero();
            assertThat(receiver.scriptLeft()).as("every scripted refusal was answered").isZero();
            assertThat(receiver.waitedAfterRetryAfter()).as("Retry-After: 1 honoured").hasSize(2)
                    .allSatisfy(d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ofSeconds(1)));
            List<ConsumerRecord<byte[], byte[]>> letters = kafka.read(deadLetters, refused.size(), WAIT);
            Set<String> lettered = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : letters) {
                JsonNode change = JSON.readTree(r.value());
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(change.path("eventKey").asText());
                assertThat(header(r, "cdcEventKey")).isEqualTo(change.path("eventKey").asText());
                assertThat(header(r, "webhookAnswer")).startsWith("422 ");
                lettered.add(change.path("pk").path("id").asText() + ":" + change.path("after").path("v").asText());
            }
            assertThat(lettered).isEqualTo(refused);
            System.out.printf("ExampleSinksIT webhook: %,d changes, %,d delivered before the SIGKILL, %,d POSTs in all%n",
                    expected, atKill, receiver.posts());

            int load = 5_000;
            int before = receiver.delivered();
            long t0 = System.nanoTime();
            produceRowVersions(source, List.of("hooked"), 500, load / 500, rows, ts + 10);
            awaitCommitted(second, source, "the timed load delivered and committed");
            report("webhook", load, System.nanoTime() - t0, second);
            assertThat(receiver.delivered()).isEqualTo(before + load);
        } finally {
            routes.close();
            receiver.stop();
        }
    }

    /**
     * A webhook receiver on the JDK's HTTP server: it answers a script of failures first, then 200 to every change
     * except the refused ones (422), and keeps what it accepted by Idempotency-Key, as an idempotent receiver does.
     */
    static final class Receiver {
        private final int port;
        private final List<String> script = new ArrayList<>();
        private final Map<String, String> accepted = new ConcurrentHashMap<>();
        private final Set<String> tables = ConcurrentHashMap.newKeySet();
        private final AtomicInteger posts = new AtomicInteger();
        private final AtomicInteger keyMismatches = new AtomicInteger();
        private final Map<String, Long> askedToWait = new ConcurrentHashMap<>();
        private final List<Duration> waited = new ArrayList<>();
        private final Map<String, Integer> lastVersionOfRow = new ConcurrentHashMap<>();
        private final AtomicInteger outOfOrder = new AtomicInteger();
        private ExecutorService executor;
        private Set<String> refused = Set.of();
        private HttpServer server;

        Receiver(int port) {
            this.port = port;
        }

        String url() {
            return "http://127.0.0.1:" + port + "/hook";
        }

        synchronized void script(String... answers) {
            script.addAll(List.of(answers));
        }

        void refuse(Set<String> versions) {
            refused = Set.copyOf(versions);
        }

        synchronized void start() throws IOException {
            // without it, each small answer waits for the client's delayed ACK (Nagle): 40 ms a request
            System.setProperty("sun.net.httpserver.nodelay", "true");
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
            executor = Executors.newFixedThreadPool(8);
            server.setExecutor(executor);
            server.createContext("/hook", this::handle);
            server.start();
        }

        synchronized void stop() {
            if (server != null) {
                server.stop(0);
                server = null;
                executor.shutdownNow();
            }
        }

        private void handle(HttpExchange http) throws IOException {
            try (InputStream in = http.getRequestBody()) {
                byte[] body = in.readAllBytes();
                posts.incrementAndGet();
                String key = http.getRequestHeaders().getFirst("Idempotency-Key");
                long now = System.nanoTime();
                Long asked = askedToWait.remove(key);
                if (asked != null) {
                    synchronized (this) {
                        waited.add(Duration.ofNanos(now - asked));
                    }
                }
                String next = nextScripted();
                if (next != null) {
                    String[] statusAndRetryAfter = next.split(":", -1);
                    if (!statusAndRetryAfter[1].isEmpty()) {
                        http.getResponseHeaders().add("Retry-After", statusAndRetryAfter[1]);
                        askedToWait.put(key, now);
                    }
                    answer(http, Integer.parseInt(statusAndRetryAfter[0]), "try again");
                    return;
                }
                JsonNode change = JSON.readTree(body);
                if (key == null || !key.equals(change.path("eventKey").asText())
                        || !http.getRequestHeaders().getFirst("Content-Type").startsWith("application/json")) {
                    keyMismatches.incrementAndGet();
                }
                tables.add(change.path("table").asText());
                String version = change.path("pk").path("id").asText() + ":" + change.path("after").path("v").asText();
                if (refused.contains(version)) {
                    answer(http, 422, "{\"error\":\"version " + version + " is refused\"}");
                    return;
                }
                if (accepted.putIfAbsent(key, version) == null) {
                    // one row's changes come one after the other: each first delivery is a later version
                    int v = change.path("after").path("v").asInt();
                    Integer last = lastVersionOfRow.put(change.path("pk").path("id").asText(), v);
                    if (last != null && last > v) {
                        outOfOrder.incrementAndGet();
                    }
                }
                answer(http, 200, "{}");
            } catch (RuntimeException e) {
                answer(http, 500, e.toString());
            }
        }

        private synchronized String nextScripted() {
            return script.isEmpty() ? null : script.remove(0);
        }

        /** For each change answered with a Retry-After: the time until it was POSTed again. */
        synchronized List<Duration> waitedAfterRetryAfter() {
            return List.copyOf(waited);
        }

        private static void answer(HttpExchange http, int status, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            http.sendResponseHeaders(status, bytes.length);
            http.getResponseBody().write(bytes);
            http.close();
        }

        int delivered() {
            return accepted.size();
        }

        int posts() {
            return posts.get();
        }

        Set<String> tables() {
            return tables;
        }

        int outOfOrder() {
            return outOfOrder.get();
        }

        int keyMismatches() {
            return keyMismatches.get();
        }

        synchronized int scriptLeft() {
            return script.size();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    private Map<String, String> env(String topic, String name, String sink) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("CDC_TOPIC", topic);
        env.put("CDC_DLQ_TOPIC", topic + "-dlq");
        env.put("CDC_GROUP_ID", "g-" + topic);
        env.put("CDC_INSTANCE_ID", "i-" + name);
        env.put("SINK_DIR", dir.resolve("sink").toString());
        env.put("SINKS", sink);
        env.put("CDC_RETRY_DELAY_MS", "200");
        env.put("CDC_RETRY_MAX_DELAY_MS", "1000");
        return env;
    }

    /** A ROUTES_DIR as an operator makes it: the shipped routes, and the example copied beside them. */
    private Path routesDir(String example) throws IOException {
        Path routesDir = Files.createDirectories(dir.resolve("routes"));
        try (DirectoryStream<Path> shipped = Files.newDirectoryStream(Path.of("routes"), "*.camel.yaml")) {
            for (Path route : shipped) {
                Files.copy(route, routesDir.resolve(route.getFileName()));
            }
        }
        Files.copy(Path.of("examples/sinks").resolve(example), routesDir.resolve(example));
        return routesDir;
    }

    private static void awaitAlive(RoutesProcess routes, String what, BooleanSupplier done) {
        await(what).atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!routes.isAlive()) {
                throw new AssertionError("routes.jar exited while waiting for " + what + "; its log: "
                        + logOf(routes));
            }
            return done.getAsBoolean();
        });
    }

    /** Waits until the routes committed every record of the source topic: every sink returned for it. */
    private static void awaitCommitted(RoutesProcess routes, String source, String what) {
        Map<Integer, Long> end = kafka.endOffsets(source);
        awaitAlive(routes, what, () -> {
            for (Map.Entry<Integer, Long> partition : end.entrySet()) {
                if (kafka.committedOffset("g-" + source, source, partition.getKey()) < partition.getValue()) {
                    return false;
                }
            }
            return true;
        });
    }

    private static String logOf(RoutesProcess routes) {
        try {
            return Files.readString(routes.log());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void report(String sink, int changes, long nanos, RoutesProcess routes) {
        double seconds = nanos / 1e9;
        String count = metric(routes, "cdc_sink_write_seconds_count{sink=\"" + sink + "\"}");
        String sum = metric(routes, "cdc_sink_write_seconds_sum{sink=\"" + sink + "\"}");
        System.out.printf("ExampleSinksIT rate %s: %,d changes in %.1f s = %,.0f changes/s (first send to the commit "
                + "of the last, one routes.jar, %d cores); since its start the sink took %s s over %s batches%n",
                sink, changes, seconds, changes / seconds, Runtime.getRuntime().availableProcessors(), sum, count);
    }

    private static String metric(RoutesProcess routes, String series) {
        return routes.body("/observe/metrics").lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> l.substring(series.length() + 1)).orElse("?");
    }

    /** Reads the example's topics from the start, in the background of each call, keeping every record. */
    private static final class TopicReader implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        private final Set<String> eventKeys = new HashSet<>();

        TopicReader(List<String> topics) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer = new KafkaConsumer<>(p);
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                for (int i = 0; i < 3; i++) {
                    partitions.add(new TopicPartition(topic, i));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** Distinct changes read so far, after reading what is there. */
        int distinct() {
            int polled;
            do {
                polled = 0;
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    records.add(r);
                    eventKeys.add(header(r, "cdcEventKey"));
                    polled++;
                }
            } while (polled > 0);
            return eventKeys.size();
        }

        List<ConsumerRecord<byte[], byte[]>> records() {
            return records;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
