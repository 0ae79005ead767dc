package org.tidbcdc.routes.kafka;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * Runs {@link AuthenticationRetry} and {@link ConsumerAccess}: housekeeping with one setting, hence Java rather than
 * YAML.
 */
public class AuthenticationRetryRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("timer:cdc-kafka-authentication?period={{cdc.kafka.auth-retry-interval}}"
                + "&delay={{cdc.kafka.auth-retry-interval}}")
                .routeId("cdc-kafka-authentication")
                .routeDescription("Starts the consumer again once the broker authenticates it after refusing to, makes"
                        + " a refused dead-letter producer anew, and asks the broker why a consumer holds no partition")
                .onException(Exception.class)
                    .handled(true)
                    .log(LoggingLevel.WARN, "Kafka authentication not checked (${exception.message}); checked again"
                            + " in {{cdc.kafka.auth-retry-interval}}")
                .end()
                .bean("authenticationRetry", "check")
                .bean("consumerAccess", "check");
    }
}
