package org.tidbcdc.routes.consume;

import static org.tidbcdc.routes.settings.SettingsConfiguration.property;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.CamelContextHelper;
import org.tidbcdc.routes.canal.CanalDecoder;
import org.tidbcdc.routes.canal.ChangeEvent;
import org.tidbcdc.routes.canal.ClaimCheckStore;
import org.tidbcdc.routes.canal.ValueCompression;
import org.tidbcdc.routes.settings.PipelineSettings;
import org.tidbcdc.routes.settings.PipelineSettings.Sink;
import org.tidbcdc.routes.settings.SettingValues;
import org.tidbcdc.routes.settings.Settings;
import org.tidbcdc.routes.settings.SettingsConfiguration;
import org.tidbcdc.routes.sink.ChangeLog;

/** Binds the batch cursor, the decoder of a batch, and what the consumer holds, under the names cdc-consume uses. */
@Configuration
public class ConsumeConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        PipelineSettings settings = CamelContextHelper.mandatoryLookup(context, "pipelineSettings",
                PipelineSettings.class);
        Registry registry = context.getRegistry();
        DeliveryState delivery = new DeliveryState();
        Watermarks watermarks = new Watermarks();
        registry.bind("deliveryState", delivery);
        registry.bind("watermarks", watermarks);
        registry.bind("offsetCursor", new OffsetCursor(Duration.ofSeconds(30), delivery));
        registry.bind("recordDecoder", recordDecoder(context, settings, watermarks));
        registry.bind("cdc-delivery-health", new DeliveryHealthCheck(delivery));

        ConsumerAssignment assignment = new ConsumerAssignment();
        registry.bind("consumerAssignment", assignment);
        registry.bind(KafkaConstants.KAFKA_SUBSCRIBE_ADAPTER, new TrackedSubscription(assignment));
        registry.bind("consumerLag", new ConsumerLag());
    }

    private RecordDecoder recordDecoder(CamelContext context, PipelineSettings settings, Watermarks watermarks) {
        SettingValues values = SettingsConfiguration.settings(context);
        CanalDecoder decoder = new CanalDecoder(ClaimCheckStore.of(values.text(Settings.CLAIM_CHECK_DIR),
                values.integer(Settings.CLAIM_CHECK_MAX_BYTES)),
                ValueCompression.of(property(context, "cdc.changefeed.large-message-compression")));
        int helpers = settings.decodeThreads() - 1;
        if (helpers == 0) {
            return new RecordDecoder(decoder, watermarks);
        }
        ExecutorService pool = context.getExecutorServiceManager().newFixedThreadPool(this, "cdc-decode", helpers);
        return new RecordDecoder(decoder, watermarks, pool, helpers, rendering(settings.sinks()));
    }

    /**
     * What the decoding threads render ahead for the enabled sinks, which would otherwise be the consumer thread's
     * largest cost after decoding. The file record includes the audit row's images.
     */
    static Consumer<ChangeEvent> rendering(Set<Sink> sinks) {
        boolean file = sinks.contains(Sink.FILE);
        boolean audit = sinks.contains(Sink.AUDIT);
        boolean log = sinks.contains(Sink.LOG);
        return e -> {
            if (file) {
                e.jsonBytes();
            } else if (audit) {
                e.renderImages();
            }
            if (log && ChangeLog.enabled()) {
                e.summary();
            }
        };
    }
}
