package org.tidbcdc.routes.ticdc;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

/**
 * PD (/pd/api/v1/…), TiDB's status port (/status) and TiCDC's Open API v2 (/api/v2/…) on one local port, answering
 * with the paths, status codes, content types and bodies of the REFERENCE (sections 3 and 4): not found is 400
 * CDC:ErrChangeFeedNotExists, a duplicate create 500 CDC:ErrChangeFeedAlreadyExists, a capture that is not ready 503
 * CDC:ErrServerIsNotReady, errors as gin's 4-space IndentedJSON; a PD without leader answers 503 in plain text.
 * Every request is recorded. Tests script it by changing its state, or by overriding one path's answer.
 */
public final class FakeTiCluster implements AutoCloseable {

    /** One request as the server received it. */
    public record Request(String method, String path, String contentType, String body, long atMillis) {
        public JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("request body is not JSON: " + body, e);
            }
        }
    }

    /** A scripted answer that replaces what the fake would say on one path. */
    public record Answer(int status, String contentType, String body, Duration delay, boolean drop) {
        public static Answer of(int status, String contentType, String body) {
            return new Answer(status, contentType, body, Duration.ZERO, false);
        }

        /** The same answer, after a wait longer than the client's response timeout. */
        public static Answer slow(Duration delay) {
            return new Answer(200, JSON, "{}", delay, false);
        }

        /** The connection is closed without an answer. */
        public static Answer dropped() {
            return new Answer(0, "", "", Duration.ZERO, true);
        }
    }

    /** A changefeed as TiCDC keeps it. */
    public static final class Changefeed {
        public volatile String sinkUri;
        public volatile List<String> rules;
        public volatile String state = "normal";
        public volatile long checkpointTs = tso(System.currentTimeMillis());
        public volatile String errorCode = "";
        public volatile String errorMessage = "";
        /** {@code replica_config.sink.kafka_config.large_message_handle}, with TiCDC's defaults. */
        public final ObjectNode largeMessageHandle = MAPPER.createObjectNode()
                .put("large_message_handle_option", "none").put("large_message_handle_compression", "none")
                .put("claim_check_storage_uri", "").put("claim_check_raw_value", false);
        /** The rest of the replica config, which a PUT replaces together with the rules and large_message_handle. */
        public volatile ObjectNode otherConfig = defaultConfig();
        /** PUTs that TiCDC took. */
        public volatile int updates;
        /** While normal, the checkpoint follows the clock, as a replicating changefeed's does. */
        public volatile boolean advancing = true;

        Changefeed(String sinkUri, List<String> rules) {
            this.sinkUri = sinkUri;
            this.rules = rules;
        }

        public Changefeed state(String state, String errorCode, String errorMessage) {
            this.state = state;
            this.errorCode = errorCode;
            this.errorMessage = errorMessage;
            return this;
        }
    }

    static final String JSON = "application/json; charset=utf-8";
    static final String UPDATE_REFUSED = "CDC:ErrChangefeedUpdateRefused";
    /** Go's RE2 has no lookaround and no backreferences: TiCDC refuses a rule with them, where Java compiles it. */
    private static final Pattern NOT_RE2 = Pattern.compile("\\(\\?(=|!|<=|<!)|\\\\[1-9]");
    static final String TEXT = "text/plain; charset=utf-8";
    static final ObjectMapper MAPPER = new ObjectMapper();
    /** gin's IndentedJSON: four spaces. */
    private static final ObjectWriter INDENTED = MAPPER.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("    ", "\n")));

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Answer> overrides = new ConcurrentHashMap<>();

    // PD
    public volatile String leader = "pd-0";
    /** v8.1.1+ wording; v7.5 and v8.1.0 say just "no leader". */
    public volatile String noLeaderText = "[PD:apiutil:ErrRedirectNoLeader]redirect finds no leader";
    /** Before v8.5.5 PD forwards /health to the leader as well, so it answers 503 too without one. */
    public volatile boolean healthNeedsLeader = true;
    public final Map<String, Boolean> members = new ConcurrentHashMap<>(Map.of("pd-0", true));
    public final Map<Long, String> stores = new ConcurrentHashMap<>(Map.of(1L, "Up"));
    // TiDB
    public volatile boolean tidbServing = true;
    // TiCDC
    public volatile boolean ticdcReady = true;
    public volatile boolean ticdcHealthy = true;
    public final Map<String, Changefeed> changefeeds = new ConcurrentHashMap<>();
    /** The state a resumed changefeed goes to; "failed" plays a changefeed whose cause persists. */
    public volatile String stateAfterResume = "normal";
    private volatile CountDownLatch createRace;
    /** Every request waits this long before it is answered: instances that ask together see the same state. */
    public volatile Duration holdEvery = Duration.ZERO;

    private FakeTiCluster(HttpServer server) {
        this.server = server;
    }

    public static FakeTiCluster start() {
        try {
            return serve(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The cluster with TLS between its components, as PD, TiDB and TiCDC serve their APIs then: https only, and a
     * client must show a certificate of the cluster's CA.
     */
    public static FakeTiCluster startTls(SSLContext tls) {
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            server.setHttpsConfigurator(new HttpsConfigurator(tls) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters ssl = tls.getDefaultSSLParameters();
                    ssl.setNeedClientAuth(true);
                    params.setSSLParameters(ssl);
                }
            });
            return serve(server);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static FakeTiCluster serve(HttpServer server) {
        FakeTiCluster fake = new FakeTiCluster(server);
        server.createContext("/", fake::handle);
        server.setExecutor(fake.executor);
        server.start();
        return fake;
    }

    public String url() {
        return (server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
    }

    /** TSO of a wall-clock time: physical milliseconds above 18 logical bits. */
    public static long tso(long millis) {
        return millis << 18;
    }

    public Changefeed addChangefeed(String id, String sinkUri, List<String> rules) {
        Changefeed changefeed = new Changefeed(sinkUri, List.copyOf(rules));
        changefeeds.put(id, changefeed);
        return changefeed;
    }

    /** Until {@code parties} creates have arrived, each waits: they then race, and only the first one wins. */
    public void raceCreates(int parties) {
        createRace = new CountDownLatch(parties);
    }

    public void override(String method, String path, Answer answer) {
        overrides.put(method + " " + path, answer);
    }

    public void clearOverride(String method, String path) {
        overrides.remove(method + " " + path);
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> requests(String method, String path) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
    }

    public int count(String method, String path) {
        return requests(method, path).size();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(new Request(method, path, exchange.getRequestHeaders().getFirst("Content-Type"), body,
                System.currentTimeMillis()));
        try {
            Duration hold = holdEvery;
            if (!hold.isZero()) {
                Thread.sleep(hold.toMillis());
            }
            Answer answer = overrides.get(method + " " + path);
            if (answer == null) {
                answer = answer(method, path, body);
            }
            if (!answer.delay().isZero()) {
                Thread.sleep(answer.delay().toMillis());
            }
            if (answer.drop()) {
                exchange.close();
                return;
            }
            send(exchange, answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.close();
        } catch (RuntimeException e) {
            send(exchange, Answer.of(500, TEXT, "fake failed: " + e));
        }
    }

    private static void send(HttpExchange exchange, Answer answer) throws IOException {
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        if (!answer.contentType().isEmpty()) {
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
        }
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private Answer answer(String method, String path, String body) throws InterruptedException {
        if (path.startsWith("/pd/api/v1/")) {
            return pd(path);
        }
        if (path.equals("/status")) {
            return tidbServing
                    ? Answer.of(200, "application/json", "{\"connections\":0,\"version\":\"8.0.11-TiDB-v8.5.0\","
                            + "\"git_hash\":\"c6d4ab2d1a3b\",\"status\":{\"init_stats_percentage\":100}}")
                    : Answer.of(500, "", "");
        }
        if (path.startsWith("/api/v2/")) {
            return ticdc(method, path, body);
        }
        return Answer.of(404, TEXT, "404 page not found");
    }

    private Answer pd(String path) {
        if (leader == null && (healthNeedsLeader || !path.equals("/pd/api/v1/health"))) {
            return Answer.of(503, TEXT, noLeaderText);
        }
        switch (path) {
            case "/pd/api/v1/health" -> {
                ArrayNode list = MAPPER.createArrayNode();
                new TreeMap<>(members).forEach((name, healthy) -> list.addObject()
                        .put("name", name).put("member_id", 3474484975246189105L + name.hashCode())
                        .put("health", healthy).putArray("client_urls").add("http://" + name + ":2379"));
                return pdJson(list);
            }
            case "/pd/api/v1/leader" -> {
                ObjectNode member = MAPPER.createObjectNode().put("name", leader).put("member_id", 3474484975246189105L);
                member.putArray("peer_urls").add("http://" + leader + ":2380");
                member.putArray("client_urls").add("http://" + leader + ":2379");
                return pdJson(member);
            }
            case "/pd/api/v1/stores" -> {
                ObjectNode answer = MAPPER.createObjectNode().put("count", stores.size());
                ArrayNode list = answer.putArray("stores");
                new TreeMap<>(stores).forEach((id, state) -> {
                    ObjectNode store = list.addObject();
                    store.putObject("store").put("id", id).put("address", "tikv" + id + ":20160")
                            .put("version", "8.5.0").put("state_name", state);
                    store.putObject("status").put("capacity", "20GiB").put("available", "16GiB")
                            .put("leader_count", 17).put("region_count", 17).put("uptime", "4m50.96s");
                });
                return pdJson(answer);
            }
            default -> {
                return Answer.of(404, TEXT, "404 page not found");
            }
        }
    }

    private static Answer pdJson(JsonNode body) {
        return Answer.of(200, "application/json; charset=UTF-8", body.toString());
    }

    private Answer ticdc(String method, String path, String body) throws InterruptedException {
        if (!ticdcReady) {
            return ticdcError(503, "CDC:ErrServerIsNotReady", "cdc server is not ready");
        }
        String changefeedsPath = "/api/v2/changefeeds";
        if (method.equals("GET") && path.equals("/api/v2/status")) {
            return Answer.of(200, JSON, indented(MAPPER.createObjectNode().put("version", "v8.5.0")
                    .put("git_hash", "8f9c4e5a").put("id", "7e3a9c1d-capture").put("cluster_id", "default")
                    .put("pid", 1447).put("is_owner", true).put("liveness", 0)));
        }
        if (method.equals("GET") && path.equals("/api/v2/health")) {
            return ticdcHealthy ? Answer.of(200, JSON, "{}")
                    : ticdcError(500, "CDC:ErrClusterIsUnhealthy", "TiCDC cluster is unhealthy");
        }
        if (method.equals("POST") && path.equals(changefeedsPath)) {
            return create(body);
        }
        if (path.startsWith(changefeedsPath + "/")) {
            String[] parts = path.substring(changefeedsPath.length() + 1).split("/");
            Changefeed changefeed = changefeeds.get(parts[0]);
            if (changefeed == null) {
                return notExists(parts[0]);
            }
            if (method.equals("GET") && parts.length == 1) {
                return Answer.of(200, JSON, indented(info(parts[0], changefeed)));
            }
            if (method.equals("POST") && parts.length == 2 && parts[1].equals("pause")) {
                // the owner has handled the admin job when the answer comes (api.HandleOwnerJob waits for it)
                changefeed.state = "stopped";
                return Answer.of(200, JSON, "{}");
            }
            if (method.equals("PUT") && parts.length == 1) {
                return update(parts[0], changefeed, body);
            }
            if (method.equals("POST") && parts.length == 2 && parts[1].equals("resume")) {
                try {
                    MAPPER.readTree(body.isEmpty() ? "x" : body);
                } catch (IOException e) {
                    return ticdcError(400, "CDC:ErrAPIInvalidParam", "invalid api parameter");
                }
                changefeed.state = stateAfterResume;
                return Answer.of(200, JSON, "{}");
            }
        }
        return Answer.of(404, TEXT, "404 page not found");
    }

    private Answer create(String body) throws InterruptedException {
        CountDownLatch race = createRace;
        if (race != null) {
            race.countDown();
            if (!race.await(30, TimeUnit.SECONDS)) {
                return ticdcError(500, "", "fake: the racing creates never all arrived");
            }
        }
        JsonNode request;
        try {
            request = MAPPER.readTree(body);
        } catch (IOException e) {
            return ticdcError(400, "CDC:ErrAPIInvalidParam", "invalid api parameter");
        }
        String id = request.path("changefeed_id").asText();
        List<String> rules = new ArrayList<>();
        request.path("replica_config").path("filter").path("rules").forEach(r -> rules.add(r.asText()));
        Changefeed created = new Changefeed(request.path("sink_uri").asText(), rules);
        JsonNode largeMessage = request.path("replica_config").path("sink").path("kafka_config")
                .path("large_message_handle");
        if (largeMessage.isObject()) {
            created.largeMessageHandle.setAll((ObjectNode) largeMessage);
        }
        synchronized (changefeeds) {
            if (changefeeds.putIfAbsent(id, created) != null) {
                return ticdcError(500, "CDC:ErrChangeFeedAlreadyExists", "changefeed already exists, " + id);
            }
        }
        created.advancing = true;
        return Answer.of(200, JSON, indented(info(id, created)));
    }

    private static ObjectNode defaultConfig() {
        ObjectNode config = MAPPER.createObjectNode().put("memory_quota", 1073741824).put("case_sensitive", false);
        config.putObject("filter").putArray("event_filters");
        config.putObject("sink").put("protocol", "canal-json").putObject("kafka_config");
        return config;
    }

    /**
     * PUT /api/v2/changefeeds/{id} as tiflow's updateChangefeed and verifyUpdateChangefeedConfig take it: only while
     * stopped or failed; the replica config sent replaces the whole config; an empty sink_uri keeps the stored one; an
     * update that changes nothing, or carries a rule TiCDC's filter cannot compile, is refused with 400
     * CDC:ErrChangefeedUpdateRefused. (The REFERENCE gives the code and status; the messages are tiflow's wording as
     * far as known, derived.)
     */
    private static Answer update(String id, Changefeed changefeed, String body) {
        if (!List.of("stopped", "failed").contains(changefeed.state)) {
            return updateRefused("can only update changefeed config when it is stopped or failed");
        }
        JsonNode request;
        try {
            request = MAPPER.readTree(body);
        } catch (IOException e) {
            return ticdcError(400, "CDC:ErrAPIInvalidParam", "invalid api parameter");
        }
        String sinkUri = request.path("sink_uri").asText("").isEmpty() ? changefeed.sinkUri
                : request.path("sink_uri").asText();
        List<String> rules = changefeed.rules;
        ObjectNode largeMessage = changefeed.largeMessageHandle.deepCopy();
        ObjectNode other = changefeed.otherConfig;
        JsonNode config = request.path("replica_config");
        if (config.isObject()) {
            other = (ObjectNode) config.deepCopy();
            rules = new ArrayList<>();
            for (JsonNode rule : other.path("filter").path("rules")) {
                rules.add(rule.asText());
            }
            if (other.path("filter").isObject()) {
                ((ObjectNode) other.get("filter")).remove("rules");
            }
            JsonNode kafka = other.path("sink").path("kafka_config");
            largeMessage = MAPPER.createObjectNode();
            if (kafka.path("large_message_handle").isObject()) {
                largeMessage.setAll((ObjectNode) kafka.path("large_message_handle"));
                ((ObjectNode) kafka).remove("large_message_handle");
            }
            for (String rule : rules) {
                if (FilterRule.problem(rule) != null || NOT_RE2.matcher(rule).find()) {
                    return updateRefused("[CDC:ErrFilterRuleInvalid]filter rule is invalid " + rules
                            + ": error parsing regexp: invalid or unsupported Perl syntax in " + rule);
                }
            }
        }
        if (sinkUri.equals(changefeed.sinkUri) && rules.equals(changefeed.rules)
                && largeMessage.equals(changefeed.largeMessageHandle) && other.equals(changefeed.otherConfig)) {
            return updateRefused("changefeed config is the same with the old one, do nothing");
        }
        changefeed.sinkUri = sinkUri;
        changefeed.rules = List.copyOf(rules);
        changefeed.largeMessageHandle.removeAll().setAll(largeMessage);
        changefeed.otherConfig = other;
        changefeed.updates++;
        return Answer.of(200, JSON, indented(info(id, changefeed)));
    }

    private static Answer updateRefused(String why) {
        return ticdcError(400, UPDATE_REFUSED, "changefeed update error: " + why);
    }

    private static ObjectNode info(String id, Changefeed changefeed) {
        if (changefeed.state.equals("normal") && changefeed.advancing) {
            changefeed.checkpointTs = Math.max(changefeed.checkpointTs, tso(System.currentTimeMillis() - 300));
        }
        ObjectNode info = MAPPER.createObjectNode().put("upstream_id", 7348293812345678901L)
                .put("namespace", "default").put("id", id)
                .put("sink_uri", changefeed.sinkUri.replaceAll("sasl-password=[^&]*", "sasl-password=xxxxx"))
                .put("create_time", "2025-01-01T08:00:00.123456+08:00").put("start_ts", changefeed.checkpointTs)
                .put("target_ts", 0).put("admin_job_type", 0);
        ObjectNode config = changefeed.otherConfig.deepCopy();
        info.set("config", config);
        ObjectNode filter = config.path("filter").isObject() ? (ObjectNode) config.get("filter")
                : config.putObject("filter");
        changefeed.rules.forEach(filter.putArray("rules")::add);
        ObjectNode sink = config.path("sink").isObject() ? (ObjectNode) config.get("sink") : config.putObject("sink");
        ObjectNode kafka = sink.path("kafka_config").isObject() ? (ObjectNode) sink.get("kafka_config")
                : sink.putObject("kafka_config");
        kafka.set("large_message_handle", changefeed.largeMessageHandle.deepCopy());
        if (!changefeed.state.isEmpty()) {
            info.put("state", changefeed.state);
        }
        if (!List.of("normal", "stopped", "finished", "removed").contains(changefeed.state)) {
            info.putObject("error").put("addr", "10.0.0.7:8300").put("code", changefeed.errorCode)
                    .put("message", "[" + changefeed.errorCode + "]" + changefeed.errorMessage);
        }
        info.put("creator_version", "v8.5.0").put("resolved_ts", changefeed.checkpointTs + 1000)
                .put("checkpoint_ts", changefeed.checkpointTs).put("checkpoint_time", "2025-01-01 08:00:05.123");
        if (changefeed.state.equals("normal")) {
            info.putArray("task_status").addObject().put("capture_id", "7e3a9c1d-capture").putArray("table_ids")
                    .add(112);
        }
        return info;
    }

    private static Answer notExists(String id) {
        return ticdcError(400, "CDC:ErrChangeFeedNotExists", "changefeed not exists, default/" + id);
    }

    /** gin's IndentedJSON of model.HTTPError. */
    static Answer ticdcError(int status, String code, String message) {
        Map<String, String> error = new LinkedHashMap<>();
        error.put("error_msg", code.isEmpty() ? message : "[" + code + "]" + message);
        error.put("error_code", code);
        return Answer.of(status, JSON, indented(MAPPER.valueToTree(error)));
    }

    private static String indented(JsonNode json) {
        try {
            return INDENTED.writeValueAsString(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
