package org.tidbcdc.routes.deadletter;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tidbcdc.routes.settings.Settings;

/**
 * Creates the dead-letter topic when it is absent, sized so that any record the source topic accepts fits, with
 * headroom for the error headers. The CDC topic itself is never created here: TiCDC creates it with its partitions.
 */
public final class DeadLetterTopic {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterTopic.class);
    /** Room for the cdc.* headers on top of the largest record the source accepts. */
    static final int HEADER_HEADROOM = 64 * 1024;
    static final int MIN_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    private static final int TIMEOUT_SECONDS = 5;

    private final Properties adminProperties;
    private final String sourceTopic;
    private final String topic;
    private volatile boolean ready;

    public DeadLetterTopic(Properties adminProperties, String sourceTopic, String topic) {
        Settings.CDC_TOPIC.parse(sourceTopic);
        Settings.CDC_DLQ_TOPIC.parse(topic);
        if (topic.equals(sourceTopic)) {
            throw new IllegalArgumentException("CDC_DLQ_TOPIC: must differ from CDC_TOPIC (both '" + topic + "'): a dead"
                    + " letter would be consumed again and dead-lettered again, for ever");
        }
        this.adminProperties = adminProperties;
        this.sourceTopic = sourceTopic;
        this.topic = topic;
    }

    /** Idempotent and cheap once the topic is known to exist; a failure is retried by the caller's error handler. */
    public void ensure() throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        if (ready) {
            return;
        }
        try (Admin admin = Admin.create(adminProperties)) {
            Set<String> names = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!names.contains(topic)) {
                int maxBytes = Math.max(MIN_MAX_MESSAGE_BYTES, sourceMaxMessageBytes(admin, names) + HEADER_HEADROOM);
                try {
                    // one partition: dead letters are few and are read by people, in the order they failed
                    admin.createTopics(List.of(new NewTopic(topic, java.util.Optional.of(1), java.util.Optional.empty())
                            .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(maxBytes)))))
                            .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    LOG.info("Created dead-letter topic {} (max.message.bytes={})", topic, maxBytes);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            ready = true;
        }
    }

    private int sourceMaxMessageBytes(Admin admin, Set<String> names) throws ExecutionException,
            InterruptedException, java.util.concurrent.TimeoutException {
        if (!names.contains(sourceTopic)) {
            return 0;
        }
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, sourceTopic);
        Config c;
        try {
            c = admin.describeConfigs(List.of(r)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(r);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicAuthorizationException)) {
                throw e;
            }
            // only a sizing hint: without it the topic was never created and every dead letter retried for ever
            LOG.warn("Cannot read max.message.bytes of {}: this client has no DESCRIBE_CONFIGS ACL on it; the"
                    + " dead-letter topic {} takes records of up to {} bytes", sourceTopic, topic,
                    MIN_MAX_MESSAGE_BYTES);
            return 0;
        }
        var entry = c.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        return entry == null || entry.value() == null ? 0 : Integer.parseInt(entry.value());
    }
}
