package org.tidbcdc.routes.ticdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.tidbcdc.routes.ticdc.ResumePolicy.Decision.EXHAUSTED;
import static org.tidbcdc.routes.ticdc.ResumePolicy.Decision.RESUME;
import static org.tidbcdc.routes.ticdc.ResumePolicy.Decision.WAIT;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class ResumePolicyTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void firstResumeAtOnceThenDoublingWaitsThenNoMore() {
        ResumePolicy policy = new ResumePolicy(3, Duration.ofSeconds(10), Duration.ofMinutes(5));
        assertEquals(RESUME, policy.decide(T0));
        policy.resumed(T0);
        assertEquals(WAIT, policy.decide(T0.plusSeconds(9)));
        assertEquals(RESUME, policy.decide(T0.plusSeconds(10)));
        policy.resumed(T0.plusSeconds(10));
        assertEquals(WAIT, policy.decide(T0.plusSeconds(29)));
        assertEquals(RESUME, policy.decide(T0.plusSeconds(30)));
        policy.resumed(T0.plusSeconds(30));
        assertEquals(EXHAUSTED, policy.decide(T0.plusSeconds(3600)));
        assertEquals(3, policy.resumes());
    }

    @Test
    void aResumeThatNeverReachedTiCdcIsGivenBack() {
        ResumePolicy policy = new ResumePolicy(3, Duration.ofSeconds(10), Duration.ofMinutes(5));
        policy.resumed(T0);
        policy.notMade();
        assertEquals(0, policy.resumes());
        assertEquals(RESUME, policy.decide(T0), "the next capture is asked at once");
        policy.resumed(T0);
        policy.resumed(T0.plusSeconds(10));
        policy.notMade();
        assertEquals(1, policy.resumes());
        assertEquals(RESUME, policy.decide(T0.plusSeconds(10)), "as if only the first resume had been made");
    }

    @Test
    void resetGivesTheBudgetBack() {
        ResumePolicy policy = new ResumePolicy(1, Duration.ofSeconds(10), Duration.ofMinutes(5));
        policy.resumed(T0);
        assertEquals(EXHAUSTED, policy.decide(T0.plusSeconds(60)));
        policy.reset();
        assertEquals(RESUME, policy.decide(T0.plusSeconds(60)));
        assertEquals(0, policy.resumes());
    }

    @Test
    void delaysDoubleUpToTheCap() {
        ResumePolicy policy = new ResumePolicy(10, Duration.ofSeconds(10), Duration.ofSeconds(60));
        assertEquals(Duration.ZERO, policy.delayBefore(1));
        assertEquals(Duration.ofSeconds(10), policy.delayBefore(2));
        assertEquals(Duration.ofSeconds(20), policy.delayBefore(3));
        assertEquals(Duration.ofSeconds(40), policy.delayBefore(4));
        assertEquals(Duration.ofSeconds(60), policy.delayBefore(5));
        assertEquals(Duration.ofSeconds(60), policy.delayBefore(10));
    }

    @Test
    void zeroResumesNeverResumes() {
        assertEquals(EXHAUSTED, new ResumePolicy(0, Duration.ZERO, Duration.ZERO).decide(T0));
        assertThrows(IllegalArgumentException.class, () -> new ResumePolicy(-1, Duration.ZERO, Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> new ResumePolicy(3, Duration.ofMinutes(1), Duration.ofSeconds(1)));
    }
}
