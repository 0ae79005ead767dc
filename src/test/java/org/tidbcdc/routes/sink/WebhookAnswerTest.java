package org.tidbcdc.routes.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

class WebhookAnswerTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final WebhookAnswer answer = new WebhookAnswer(now::get);

    @Test
    void retryAfterInSecondsOrAsADateIsWaitedUpToTheMaximum() {
        answer.setRetryAfterMax(Duration.ofSeconds(5));
        assertThat(answer.retryAfterMillis("2")).isEqualTo(2000);
        assertThat(answer.retryAfterMillis(" 120 ")).isEqualTo(5000);
        assertThat(answer.retryAfterMillis("Thu, 01 Jan 2026 00:00:03 GMT")).isEqualTo(3000);
        assertThat(answer.retryAfterMillis("Wed, 31 Dec 2025 23:00:00 GMT")).isZero();
    }

    @Test
    void theNextAttemptWaitsForTheLongestRetryAfterNotYetOver() {
        answer.setRetryAfterMax(Duration.ofSeconds(5));
        assertThat(answer.waitMillis()).isZero();
        answer.retryAfter("2");
        answer.retryAfter("1");
        assertThat(answer.waitMillis()).isEqualTo(2000);
        now.set(now.get().plusMillis(1500));
        assertThat(answer.waitMillis()).isEqualTo(500);
        now.set(now.get().plusSeconds(1));
        assertThat(answer.waitMillis()).isZero();
        answer.retryAfter(null);
        assertThat(answer.waitMillis()).isZero();
    }

    @Test
    void noOrAnUnreadableRetryAfterWaitsNothing() {
        assertThat(answer.retryAfterMillis(null)).isZero();
        assertThat(answer.retryAfterMillis("")).isZero();
        assertThat(answer.retryAfterMillis("soon")).isZero();
        assertThat(answer.retryAfterMillis("-3")).isZero();
        assertThat(answer.retryAfterMillis("99999999999999999999")).isZero();
    }

    @Test
    void anAttemptPastItsBudgetStartsNoFurtherRequest() throws Exception {
        answer.setAttemptBudget(Duration.ofSeconds(15));
        long deadline = answer.deadline();
        now.set(now.get().plusSeconds(15));
        answer.checkDeadline(deadline);
        now.set(now.get().plusMillis(1));
        assertThatThrownBy(() -> answer.checkDeadline(deadline))
                .isInstanceOf(WebhookAnswer.WebhookDeadlineException.class).hasMessageContaining("15000 ms");
        answer.checkDeadline(null);
    }

    @Test
    void theAnswerOfADeadLetterIsItsStatusAndTheStartOfItsBody() {
        assertThat(answer.describe(400, " {\"error\":\"bad field\"}\n")).isEqualTo("400 {\"error\":\"bad field\"}");
        assertThat(answer.describe(404, null)).isEqualTo("404");
        assertThat(answer.describe(422, "x".repeat(600))).hasSize(4 + WebhookAnswer.MAX_ANSWER_CHARS + 1);
    }
}
