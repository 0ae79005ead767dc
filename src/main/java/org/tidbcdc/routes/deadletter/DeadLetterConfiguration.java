package org.tidbcdc.routes.deadletter;

import static org.tidbcdc.routes.settings.SettingsConfiguration.property;

import java.time.Duration;
import java.util.Properties;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.CamelContextHelper;
import org.tidbcdc.routes.kafka.KafkaConfiguration;
import org.tidbcdc.routes.settings.PipelineSettings;

/** Binds the dead letters of undecodable records and the check of their topic, under the names the routes use. */
@Configuration
public class DeadLetterConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        PipelineSettings settings = CamelContextHelper.mandatoryLookup(context, "pipelineSettings",
                PipelineSettings.class);
        Properties kafka = KafkaConfiguration.adminProperties(context);
        Registry registry = context.getRegistry();
        // a batch dead-letters at most all its records; the window also covers the batch before it
        registry.bind("deadLetters", new DeadLetters(DeadLetterHistory.fromTopic(kafka,
                property(context, "cdc.dlq-topic"), 2 * settings.maxPollRecords(), Duration.ofSeconds(10))));
        registry.bind("deadLetterTopic", new DeadLetterTopic(kafka,
                property(context, "cdc.topic"), property(context, "cdc.dlq-topic")));
    }
}
