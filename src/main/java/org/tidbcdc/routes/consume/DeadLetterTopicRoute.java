package org.tidbcdc.routes.consume;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * Creates the dead-letter topic at startup, so operators can subscribe to it before anything fails. Housekeeping with
 * nothing to tune, hence Java rather than YAML; the dead-letter route still ensures the topic before each send.
 */
public class DeadLetterTopicRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("timer:cdc-dead-letter-topic?repeatCount=1")
                .routeId("cdc-dead-letter-topic")
                .routeDescription("Creates the dead-letter topic at startup when it is absent, retrying until Kafka answers")
                .errorHandler(defaultErrorHandler()
                        .maximumRedeliveries(-1)
                        .redeliveryDelay(5000)
                        .retryAttemptedLogLevel(LoggingLevel.WARN)
                        .logRetryStackTrace(false))
                .bean("deadLetterTopic", "ensure");
    }
}
