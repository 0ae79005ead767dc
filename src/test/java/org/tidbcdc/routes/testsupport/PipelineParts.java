package org.tidbcdc.routes.testsupport;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real parts the data plane runs on in a test class: a KRaft broker and a MariaDB holding db_script's schema,
 * started once for the class ({@code @RegisterExtension static final PipelineParts parts = ...}) and stopped after it.
 */
public final class PipelineParts implements BeforeAllCallback, AfterAllCallback {

    private final String setupSql;
    private final String resetSql;
    private KafkaBroker kafka;
    private MariaDbServer db;

    /**
     * @param setupSql run once after db_script, for tables a test class needs besides the audit table; may be empty
     * @param resetSql run before each topic; event keys are global (a replay on any topic is the same change), so it
     *                 empties the audit table at least
     */
    public PipelineParts(String setupSql, String resetSql) {
        this.setupSql = setupSql;
        this.resetSql = resetSql;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        kafka = KafkaBroker.start();
        db = MariaDbServer.start();
        db.applyDbScripts();
        if (!setupSql.isBlank()) {
            db.executeScript(setupSql);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (kafka != null) {
            kafka.close();
        }
        if (db != null) {
            db.close();
        }
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    public MariaDbServer db() {
        return db;
    }

    /** A new topic of 3 partitions, as TiCDC's sink creates it, after the reset script has run. */
    public String newTopic(String prefix) {
        String topic = prefix + "-" + UUID.randomUUID();
        kafka.createTopic(topic, 3);
        db.executeScript(resetSql);
        return topic;
    }

    /**
     * Settings that point the data plane at these parts, for one topic: its own group, instance, dead-letter topic
     * ({@code <topic>-dlq}) and sink folder, quick retries, and only the data-plane routes. Mutable, for a test to add
     * its own.
     */
    public Map<String, String> settings(String topic, Path sinkDir) {
        Map<String, String> s = dataPlane(kafka.bootstrapServers(), topic, sinkDir);
        s.put("cdc.audit.jdbc-url", db.jdbcUrl("cdc_audit"));
        s.put("cdc.audit.user", "root");
        s.put("cdc.retry.delay-ms", "100");
        s.put("cdc.retry.max-delay-ms", "500");
        s.put("cdc.retry.max-redeliveries", "2");
        return s;
    }

    /**
     * The data-plane routes alone, on a broker, for one topic: its own group, instance, dead-letter topic
     * ({@code <topic>-dlq}) and sink folder. Mutable.
     */
    public static Map<String, String> dataPlane(String bootstrapServers, String topic, Path sinkDir) {
        Map<String, String> s = new HashMap<>();
        s.put("cdc.kafka.bootstrap-servers", bootstrapServers);
        s.put("cdc.topic", topic);
        s.put("cdc.dlq-topic", topic + "-dlq");
        s.put("cdc.group-id", "g-" + topic);
        s.put("cdc.instance-id", "i-" + topic);
        s.put("cdc.sink-dir", sinkDir.toString());
        s.put("camel.main.routes-include-pattern",
                "file:routes/cdc-consume.camel.yaml,file:routes/cdc-errors.camel.yaml,file:routes/cdc-sink-*.camel.yaml");
        return s;
    }
}
