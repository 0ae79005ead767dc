package org.tidbcdc.routes.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.tidbcdc.routes.Application;

/**
 * The application as {@code java -jar routes.jar} runs it (camel-main, application.properties, routes/), started in
 * this JVM. Settings are given by property key (for example {@code cdc.topic}), which is what the environment
 * variables feed; they override application.properties.
 */
public final class RoutesApp implements AutoCloseable {

    private final Main main;
    private final int managementPort;

    private RoutesApp(Main main, int managementPort) {
        this.main = main;
        this.managementPort = managementPort;
    }

    public static RoutesApp start(Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>();
        int port = freePort();
        all.put("camel.management.port", String.valueOf(port));
        all.put("cdc.changefeed.enabled", "false");
        all.put("cdc.poll-timeout-ms", "50");
        all.put("camel.main.shutdown-timeout", "15");
        all.putAll(settings);
        Main main = new Main(Application.class);
        main.addInitialProperty("cdc.host-name", "test-host");
        all.forEach(main::addOverrideProperty);
        try {
            main.start();
        } catch (Exception e) {
            throw new IllegalStateException("the application did not start: " + e.getMessage(), e);
        }
        return new RoutesApp(main, port);
    }

    /**
     * Settings that point the data plane at a test broker and database, for one topic: its own group, instance,
     * dead-letter topic ({@code <topic>-dlq}) and sink folder, quick retries, and only the data-plane routes. Mutable,
     * for a test to add its own.
     */
    public static Map<String, String> pipelineSettings(KafkaBroker kafka, MariaDbServer db, String topic, Path sinkDir) {
        Map<String, String> s = new HashMap<>();
        s.put("cdc.kafka.bootstrap-servers", kafka.bootstrapServers());
        s.put("cdc.topic", topic);
        s.put("cdc.dlq-topic", topic + "-dlq");
        s.put("cdc.group-id", "g-" + topic);
        s.put("cdc.instance-id", "i-" + topic);
        s.put("cdc.sink-dir", sinkDir.toString());
        s.put("cdc.audit.jdbc-url", db.jdbcUrl("cdc_audit"));
        s.put("cdc.audit.user", "root");
        s.put("cdc.retry.delay-ms", "100");
        s.put("cdc.retry.max-delay-ms", "500");
        s.put("cdc.retry.max-redeliveries", "2");
        s.put("camel.main.routes-include-pattern",
                "file:routes/cdc-consume.camel.yaml,file:routes/cdc-errors.camel.yaml");
        return s;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public int managementPort() {
        return managementPort;
    }

    public String managementUrl(String path) {
        return "http://127.0.0.1:" + managementPort + path;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            main.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
