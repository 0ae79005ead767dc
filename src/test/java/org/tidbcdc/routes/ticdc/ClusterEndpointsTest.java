package org.tidbcdc.routes.ticdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class ClusterEndpointsTest {

    private final DefaultCamelContext context = new DefaultCamelContext();

    private Exchange pollOf(String component) {
        Exchange exchange = new DefaultExchange(context);
        exchange.setProperty(ClusterProbe.COMPONENT, component);
        return exchange;
    }

    @Test
    void aMemberThatGivesNoAnswerPassesThePollsToTheNextRoundTheList() {
        ClusterEndpoints endpoints = new ClusterEndpoints(List.of("http://pd1:2379", "http://pd2:2379"),
                List.of("http://tidb:10080"), List.of("http://cdc1:8300", "http://cdc2:8300", "http://cdc3:8300"));
        assertThat(endpoints.pd()).isEqualTo("http://pd1:2379");
        endpoints.unanswered(pollOf("PD"));
        assertThat(endpoints.pd()).isEqualTo("http://pd2:2379");
        endpoints.unanswered(pollOf("PD"));
        assertThat(endpoints.pd()).isEqualTo("http://pd1:2379");

        // each component keeps its own member in use
        assertThat(endpoints.ticdc()).isEqualTo("http://cdc1:8300");
        endpoints.unanswered(pollOf("TICDC"));
        endpoints.unanswered(pollOf("TICDC"));
        assertThat(endpoints.ticdc()).isEqualTo("http://cdc3:8300");
        endpoints.unanswered(pollOf("TIDB"));
        assertThat(endpoints.tidb()).isEqualTo("http://tidb:10080");
        assertThat(endpoints.pd()).isEqualTo("http://pd1:2379");
    }
}
