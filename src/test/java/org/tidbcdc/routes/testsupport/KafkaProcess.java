package org.tidbcdc.routes.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.awaitility.Awaitility;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft broker (combined broker and controller) running Kafka's own {@code kafka.Kafka} main in a
 * child JVM, with the settings of {@link KafkaBroker#SETTINGS}. It keeps its port and its log folder, so
 * {@link #stop()} then {@link #startAgain()} is a real broker restart, and {@link #kill()} is a real SIGKILL. The
 * classpath is this JVM's (the Kafka jars the tests already depend on).
 */
public final class KafkaProcess extends KafkaClients {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final List<String> JVM_OPTIONS = List.of("-Xmx512m", "-XX:+UseSerialGC");

    private final Path dir;
    private final Path config;
    private final Path log;
    private final int port;
    private final List<String> jvmOptions;
    private final List<SecureListener> secureListeners;
    private final Map<String, String> brokerSettings;
    private Process process;

    /** A listener besides the plain one, named after its protocol, with its {@code listener.name.<name>.*} settings. */
    private record SecureListener(String protocol, int port, Map<String, String> settings) {
        SecureListener(String protocol, Map<String, String> settings) {
            this(protocol, RoutesApp.freePort(), settings);
        }
    }

    private KafkaProcess(Path dir, int port, List<String> jvmOptions, List<SecureListener> secureListeners) {
        this(dir, port, jvmOptions, secureListeners, Map.of());
    }

    private KafkaProcess(Path dir, int port, List<String> jvmOptions, List<SecureListener> secureListeners,
            Map<String, String> brokerSettings) {
        this.dir = dir;
        this.config = dir.resolve("server.properties");
        this.log = dir.resolve("kafka.log");
        this.port = port;
        this.jvmOptions = jvmOptions;
        this.secureListeners = secureListeners;
        this.brokerSettings = brokerSettings;
    }

    /** Formats a fresh log folder under {@code dir} and starts the broker on a free port. */
    public static KafkaProcess start(Path dir) {
        return start(dir, JVM_OPTIONS);
    }

    public static KafkaProcess start(Path dir, List<String> jvmOptions) {
        return start(new KafkaProcess(dir, RoutesApp.freePort(), jvmOptions, List.of()));
    }

    /**
     * The broker with a second listener, {@link #secureBootstrapServers()}, that speaks TLS only, with a certificate
     * of {@code pki} for 127.0.0.1, and takes only clients that show a certificate {@code pki} signed: what Strimzi's
     * {@code tls} listener with {@code authentication: tls} is. The plain listener stays for the test's own clients;
     * a client that bootstraps on the second listener is only ever told of that one.
     */
    public static KafkaProcess startWithMutualTls(Path dir, TestPki pki) {
        Map<String, String> tls = serverCertificate(pki);
        tls.put("ssl.truststore.location", pki.caFile().toString());
        tls.put("ssl.truststore.type", "PEM");
        tls.put("ssl.client.auth", "required");
        return start(new KafkaProcess(dir, RoutesApp.freePort(), JVM_OPTIONS, List.of(new SecureListener("SSL", tls))));
    }

    private static Map<String, String> serverCertificate(TestPki pki) {
        Map<String, String> tls = new LinkedHashMap<>();
        tls.put("ssl.keystore.location", pki.keyStoreFile("PKCS12", "kafka", true, "broker-pw", "broker-pw").toString());
        tls.put("ssl.keystore.password", "broker-pw");
        tls.put("ssl.keystore.type", "PKCS12");
        return tls;
    }

    /**
     * The broker with two more listeners that take SASL SCRAM-SHA-512 only, what Strimzi's {@code scram-sha-512}
     * authentication is: {@link #secureBootstrapServers()} in the clear ({@code SASL_PLAINTEXT}), and
     * {@link #saslSslBootstrapServers()} inside TLS with a certificate of {@code pki} for 127.0.0.1 ({@code SASL_SSL},
     * as Strimzi's {@code tls: true} listeners, Confluent Cloud and Amazon MSK serve SCRAM). Users are created through
     * the plain listener's admin client ({@code alterUserScramCredentials}), as the KafkaUser operator does.
     */
    public static KafkaProcess startWithScram(Path dir, TestPki pki) {
        Map<String, String> sasl = new LinkedHashMap<>();
        sasl.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        sasl.put("scram-sha-512.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        Map<String, String> saslSsl = serverCertificate(pki);
        saslSsl.putAll(sasl);
        return start(new KafkaProcess(dir, RoutesApp.freePort(), JVM_OPTIONS, List.of(
                new SecureListener("SASL_PLAINTEXT", sasl), new SecureListener("SASL_SSL", saslSsl))));
    }

    /**
     * The broker with a second listener, {@link #secureBootstrapServers()}, that takes SASL SCRAM-SHA-512 only, and
     * Kafka's ACL authorizer: a SCRAM user may do only what an ACL allows it. The plain listener's clients (the test's
     * own, and the broker itself) are {@code User:ANONYMOUS}, a super user, so they create users, topics and ACLs.
     */
    public static KafkaProcess startWithAcls(Path dir) {
        Map<String, String> sasl = new LinkedHashMap<>();
        sasl.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        sasl.put("scram-sha-512.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        return start(new KafkaProcess(dir, RoutesApp.freePort(), JVM_OPTIONS,
                List.of(new SecureListener("SASL_PLAINTEXT", sasl)),
                Map.of("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                        "super.users", "User:ANONYMOUS")));
    }

    private static KafkaProcess start(KafkaProcess kafka) {
        try {
            Files.createDirectories(kafka.dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        kafka.format(RoutesApp.freePort());
        kafka.startAgain();
        return kafka;
    }

    private void format(int controllerPort) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("process.roles", "broker,controller");
        s.put("node.id", "1");
        s.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        String secure = secureListeners.stream().map(l -> "," + l.protocol() + "://127.0.0.1:" + l.port())
                .collect(Collectors.joining());
        s.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort + secure);
        s.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + secure);
        s.put("controller.listener.names", "CONTROLLER");
        s.put("inter.broker.listener.name", "PLAINTEXT");
        s.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT" + secureListeners.stream()
                .map(l -> "," + l.protocol() + ":" + l.protocol()).collect(Collectors.joining()));
        for (SecureListener l : secureListeners) {
            l.settings().forEach((key, value) -> s.put("listener.name." + l.protocol().toLowerCase(Locale.ROOT) + "."
                    + key, value));
        }
        s.put("log.dirs", dir.resolve("data").toAbsolutePath().toString());
        s.putAll(KafkaBroker.SETTINGS);
        s.putAll(brokerSettings);
        try {
            Files.writeString(config, s.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("\n", "", "\n")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process format = launch("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                "-c", config.toString());
        try {
            if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IllegalStateException("formatting the Kafka log folder failed; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Process launch(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-Dlog4j2.configurationFile=log4j2-test.xml");
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // through the environment: the test classpath is too long for a comfortable command line
        pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
        try {
            return pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + mainClass, e);
        }
    }

    /** Starts the broker (again) on its port and data, and waits until it serves requests. */
    public synchronized void startAgain() {
        if (process != null && process.isAlive()) {
            return;
        }
        process = launch("kafka.Kafka", config.toString());
        Process started = process;
        Awaitility.await("the Kafka broker on port " + port + " (log: " + log + ")").atMost(READY_TIMEOUT)
                .pollInterval(Duration.ofMillis(200))
                .failFast("the Kafka broker exited; see " + log, () -> !started.isAlive())
                .until(this::answers);
    }

    private boolean answers() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        } catch (IOException e) {
            return false;
        }
        try (Admin admin = admin()) {
            return !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty();
        } catch (Exception e) {
            return false;
        }
    }

    /** SIGTERM: Kafka's controlled shutdown; waits until the process is gone. */
    public synchronized void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            waitForExit(Duration.ofSeconds(60));
        }
    }

    /** SIGKILL: no controlled shutdown, no flush. */
    public synchronized void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            waitForExit(Duration.ofSeconds(30));
        }
    }

    private void waitForExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGSTOP: the broker hangs with every connection open. The kernel still accepts connections and takes the bytes
     * clients send, but no request is answered, so only the clients' own timeouts end their waits; the broker's
     * timers (sessions, the controller's) stand still until {@link #thaw()}.
     */
    public synchronized void freeze() {
        Signals.send("STOP", process == null ? -1 : process.pid(), "Kafka broker");
    }

    /** SIGCONT: the broker goes on where it stopped, with whatever clients sent meanwhile. */
    public synchronized void thaw() {
        Signals.send("CONT", process == null ? -1 : process.pid(), "Kafka broker");
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The second listener of {@link #startWithMutualTls} and {@link #startWithScram}. */
    public String secureBootstrapServers() {
        return "127.0.0.1:" + secureListeners.get(0).port();
    }

    /** The SASL_SSL listener of {@link #startWithScram}. */
    public String saslSslBootstrapServers() {
        return "127.0.0.1:" + secureListeners.get(1).port();
    }

    @Override
    public void close() {
        closeClients();
        kill();
    }
}
