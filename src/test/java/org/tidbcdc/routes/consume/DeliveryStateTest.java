package org.tidbcdc.routes.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutionException;

import org.apache.camel.CamelExchangeException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.Test;

class DeliveryStateTest {

    @Test
    void aBatchThatTheBrokerRefusedIsReportedOnceAndAnotherFailureIsNot() {
        DeliveryState state = new DeliveryState();
        // as camel-kafka's synchronous send fails inside the dead-letter split
        state.stalled(new CamelExchangeException("Multicast processing failed for number 0", null,
                new ExecutionException(new SslAuthenticationException("Failed to process post-handshake messages"))));
        assertThat(state.stalledBecause()).contains("SslAuthenticationException");
        assertThat(state.takeBrokerRefusal()).isTrue();
        assertThat(state.takeBrokerRefusal()).as("taken").isFalse();

        state.stalled(new IllegalStateException("audit database down"));
        assertThat(state.takeBrokerRefusal()).isFalse();

        state.stalled(new ExecutionException(new SslAuthenticationException("expired")));
        state.committed();
        assertThat(state.takeBrokerRefusal()).as("cleared by a commit").isFalse();
    }
}
