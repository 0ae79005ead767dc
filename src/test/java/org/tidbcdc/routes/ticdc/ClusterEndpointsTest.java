package org.tidbcdc.routes.ticdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.tidbcdc.routes.testsupport.LogCapture;

class ClusterEndpointsTest {

    private final DefaultCamelContext context = new DefaultCamelContext();
    private final ClusterEndpoints endpoints = new ClusterEndpoints(List.of("http://pd1:2379", "http://pd2:2379"),
            List.of("http://tidb:10080"), List.of("http://cdc1:8300", "http://cdc2:8300", "http://cdc3:8300"));

    private Exchange pollOf(String component) {
        Exchange exchange = new DefaultExchange(context);
        exchange.setProperty(ClusterProbe.COMPONENT, component);
        return exchange;
    }

    /** A poll that asks PD once and gets no answer. */
    private String pdUnanswered() {
        Exchange poll = pollOf("PD");
        String asked = endpoints.pd(poll);
        endpoints.unanswered(poll);
        return asked;
    }

    @Test
    void aMemberThatGivesNoAnswerPassesThePollsToTheNextRoundTheList() {
        assertThat(pdUnanswered()).isEqualTo("http://pd1:2379");
        assertThat(pdUnanswered()).isEqualTo("http://pd2:2379");
        assertThat(endpoints.pd(pollOf("PD"))).isEqualTo("http://pd1:2379");

        // each component keeps its own member in use
        Exchange ticdc = pollOf("TICDC");
        assertThat(endpoints.ticdc(ticdc)).isEqualTo("http://cdc1:8300");
        endpoints.unanswered(ticdc);
        Exchange next = pollOf("TICDC");
        assertThat(endpoints.ticdc(next)).isEqualTo("http://cdc2:8300");
        endpoints.unanswered(next);
        assertThat(endpoints.ticdc(pollOf("TICDC"))).isEqualTo("http://cdc3:8300");
        Exchange tidb = pollOf("TIDB");
        endpoints.tidb(tidb);
        endpoints.unanswered(tidb);
        assertThat(endpoints.tidb(pollOf("TIDB"))).isEqualTo("http://tidb:10080");
        assertThat(endpoints.pd(pollOf("PD"))).isEqualTo("http://pd1:2379");
    }

    @Test
    void twoPollsThatFailOnTheSameMemberAtOnceMovePastItOnce() {
        ClusterEndpoints two = new ClusterEndpoints(List.of("http://pd:2379"), List.of("http://tidb:10080"),
                List.of("http://cdc1:8300", "http://cdc2:8300"));
        // the TiCDC health poll and the changefeed poll both ask cdc1, which hangs, and both give up
        Exchange health = pollOf("TICDC");
        Exchange changefeed = pollOf("TICDC");
        assertThat(two.ticdc(health)).isEqualTo("http://cdc1:8300");
        assertThat(two.ticdc(changefeed)).isEqualTo("http://cdc1:8300");
        two.unanswered(health);
        two.unanswered(changefeed);
        assertThat(two.ticdc(pollOf("TICDC"))).as("moved twice, it would be back at cdc1")
                .isEqualTo("http://cdc2:8300");

        // a late failure on cdc1 does not move the polls off cdc2, which answers
        Exchange late = pollOf("TICDC");
        late.setProperty(ClusterEndpoints.ASKED, 0);
        two.judge(late, new HttpAnswer(503, "{\"error_msg\":\"cdc server is not ready\","
                + "\"error_code\":\"CDC:ErrServerIsNotReady\"}"));
        assertThat(two.ticdc(pollOf("TICDC"))).isEqualTo("http://cdc2:8300");
    }

    @Test
    void aMemberThatAnswersItCannotServeIsPassedOverAndAClusterWideErrorIsNot() {
        Exchange poll = pollOf("TICDC");
        endpoints.ticdc(poll);
        endpoints.judge(poll, new HttpAnswer(500, "{\"error_msg\":\"[CDC:ErrClusterIsUnhealthy]TiCDC cluster is"
                + " unhealthy\",\"error_code\":\"CDC:ErrClusterIsUnhealthy\"}"));
        endpoints.judge(poll, new HttpAnswer(400, "{\"error_msg\":\"[CDC:ErrChangeFeedNotExists]changefeed not"
                + " exists, default/cf\",\"error_code\":\"CDC:ErrChangeFeedNotExists\"}"));
        endpoints.judge(poll, new HttpAnswer(200, "{\"id\":\"c1\",\"is_owner\":true,\"liveness\":0}"));
        assertThat(endpoints.ticdc(pollOf("TICDC"))).isEqualTo("http://cdc1:8300");

        endpoints.judge(poll, new HttpAnswer(200, "{\"id\":\"c1\",\"is_owner\":true,\"liveness\":1}"));
        assertThat(endpoints.ticdc(pollOf("TICDC"))).as("a capture shutting down").isEqualTo("http://cdc2:8300");
    }

    @Test
    void eachMoveIsLoggedForOneRoundOfTheListUntilAMemberAnswersAgain() {
        try (LogCapture log = LogCapture.of("cdc.control")) {
            for (int poll = 0; poll < 7; poll++) {
                pdUnanswered();
            }
            assertThat(log.lines()).containsExactly(
                    "INFO PD member http://pd1:2379 gave no answer: asking http://pd2:2379",
                    "INFO PD member http://pd2:2379 gave no answer: asking http://pd1:2379; no member could"
                            + " serve, the polls go on round the list without a line each");

            Exchange answered = pollOf("PD");
            endpoints.pd(answered);
            endpoints.judge(answered, new HttpAnswer(200, "[{\"name\":\"pd-0\",\"health\":true}]"));
            pdUnanswered();
            assertThat(log.lines()).hasSize(3).last().asString().startsWith("INFO PD member");
        }
    }

    @Test
    void aPollAsksEachMemberOnceAtMostAndStopsAtTheFirstThatServes() {
        // TiCDC: cdc1 is starting, cdc2 gives no answer, cdc3 serves
        Exchange poll = pollOf("TICDC");
        assertThat(endpoints.anotherTry(poll)).as("the first attempt").isTrue();
        endpoints.newAttempt(poll);
        assertThat(endpoints.ticdc(poll)).isEqualTo("http://cdc1:8300");
        poll.setProperty(ClusterProbe.STATE, ComponentState.down("TiCDC not ready"));
        endpoints.judge(poll, new HttpAnswer(503, "{\"error_code\":\"CDC:ErrServerIsNotReady\"}"));
        assertThat(endpoints.retrying(poll)).isTrue();
        assertThat(endpoints.anotherTry(poll)).isTrue();
        endpoints.newAttempt(poll);
        assertThat(poll.getProperty(ClusterProbe.STATE)).as("what cdc1 said is not the poll's state").isNull();
        assertThat(endpoints.ticdc(poll)).isEqualTo("http://cdc2:8300");
        endpoints.unanswered(poll);
        assertThat(endpoints.anotherTry(poll)).isTrue();
        endpoints.newAttempt(poll);
        assertThat(endpoints.ticdc(poll)).isEqualTo("http://cdc3:8300");
        endpoints.judge(poll, new HttpAnswer(200, "{\"id\":\"c3\",\"liveness\":0}"));
        assertThat(endpoints.retrying(poll)).isFalse();
        assertThat(endpoints.anotherTry(poll)).isFalse();

        // every member fails: three attempts, and the last one's answer stands
        Exchange outage = pollOf("TICDC");
        int attempts = 0;
        while (endpoints.anotherTry(outage)) {
            endpoints.newAttempt(outage);
            attempts++;
            endpoints.ticdc(outage);
            endpoints.unanswered(outage);
        }
        assertThat(attempts).isEqualTo(3);
        assertThat(endpoints.retrying(outage)).isFalse();

        // one member: nothing to pass over to
        Exchange tidb = pollOf("TIDB");
        assertThat(endpoints.anotherTry(tidb)).isTrue();
        endpoints.newAttempt(tidb);
        endpoints.tidb(tidb);
        endpoints.unanswered(tidb);
        assertThat(endpoints.anotherTry(tidb)).isFalse();
    }

    @Test
    void whatAMemberSaysOfItselfTellsWhetherAnotherMemberMayServe() {
        assertThat(ClusterEndpoints.cannotServe(new HttpAnswer(503, "{\"error_msg\":\"[CDC:ErrServerIsNotReady]cdc"
                + " server is not ready\",\"error_code\":\"CDC:ErrServerIsNotReady\"}"))).isTrue();
        assertThat(ClusterEndpoints.cannotServe(new HttpAnswer(503, "[PD:apiutil:ErrRedirectNoLeader]redirect finds no"
                + " leader"))).isTrue();
        assertThat(ClusterEndpoints.cannotServe(new HttpAnswer(500, ""))).as("TiDB shutting down").isTrue();
        assertThat(ClusterEndpoints.cannotServe(new HttpAnswer(502, "<html>Bad Gateway</html>"))).isTrue();
        assertThat(ClusterEndpoints.cannotServe(new HttpAnswer(504, ""))).isTrue();

        assertThat(ClusterEndpoints.cannotServe(new HttpAnswer(500, "{\"error_msg\":\"election: no leader\","
                + "\"error_code\":\"\"}"))).isFalse();
        assertThat(ClusterEndpoints.cannotServe(new HttpAnswer(401, "{\"error_code\":\"CDC:ErrUnauthorized\"}")))
                .isFalse();
        assertThat(ClusterEndpoints.cannotServe(new HttpAnswer(200, "[{\"name\":\"pd-0\",\"health\":true}]")))
                .isFalse();
        assertThat(ClusterEndpoints.cannotServe(new HttpAnswer(200, "{}"))).isFalse();
        assertThat(ClusterEndpoints.cannotServe(new HttpAnswer(200, "not json"))).isFalse();
    }
}
