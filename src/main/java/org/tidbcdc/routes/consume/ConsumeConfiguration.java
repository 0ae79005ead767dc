package org.tidbcdc.routes.consume;

import static org.tidbcdc.routes.settings.SettingsConfiguration.property;

import java.time.Duration;
import java.util.List;
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
        SinkHoldings holdings = new SinkHoldings(settings.sinks());
        registry.bind("offsetCursor", new OffsetCursor(Duration.ofSeconds(30), delivery, holdings));
        registry.bind("sinkDispatch", new SinkDispatch(context, holdings));
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
            return new RecordDecoder(decoder, watermarks, null, 0, rendering(settings.sinks()));
        }
        ExecutorService pool = context.getExecutorServiceManager().newFixedThreadPool(this, "cdc-decode", helpers);
        return new RecordDecoder(decoder, watermarks, pool, helpers, rendering(settings.sinks()));
    }

    /**
     * What the decoding threads render ahead for the enabled sinks, which would otherwise be the consumer thread's
     * largest cost after decoding. The file record includes the audit row's images.
     */
    static Consumer<ChangeEvent> rendering(List<String> sinks) {
        // a custom sink that converts the body renders the same record as the file sink
        boolean file = sinks.stream().anyMatch(s -> !s.equals("audit") && !s.equals("log"));
        boolean audit = sinks.contains("audit");
        boolean log = sinks.contains("log");
        // every sink but the log writes the event key; hashed here, a row that cannot be hashed is dead-lettered
        boolean key = sinks.stream().anyMatch(s -> !s.equals("log"));
        return e -> {
            if (key) {
                e.eventKey();
            }
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
