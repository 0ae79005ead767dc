package org.tidbcdc.routes.deadletter;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * Creates the dead-letter topic at startup, so operators can subscribe to it before anything fails. Housekeeping with
 * nothing to tune, hence Java rather than YAML. One attempt: when Kafka is not there yet, the dead-letter route still
 * creates the topic before its first send, and no retry loop holds up a shutdown.
 */
public class DeadLetterTopicRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("timer:cdc-dead-letter-topic?repeatCount=1")
                .routeId("cdc-dead-letter-topic")
                .routeDescription("Creates the dead-letter topic at startup when it is absent")
                .onException(Exception.class)
                    .handled(true)
                    .log(LoggingLevel.WARN, "Dead-letter topic not checked at startup (${exception.message});"
                            + " it is created before the first dead letter is sent")
                .end()
                .bean("deadLetterTopic", "ensure");
    }
}
