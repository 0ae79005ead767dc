package org.tidbcdc.routes.sink;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Message;

/**
 * The rules of the example sink examples/sinks/webhook.camel.yaml that YAML cannot say in a line: how long a
 * {@code Retry-After} makes the next attempt wait, the deadline of one attempt, the rows of a batch, and a receiver's
 * answer as a dead letter carries it.
 *
 * <p>An attempt POSTs several rows at a time, each row's changes one after the other ({@link #byRow}). It starts no
 * request after its deadline and throws instead, so that a receiver that answers slowly cannot hold the consumer
 * thread beyond the sink's declared longest attempt; the batch is then retried, and changes the receiver already holds
 * come back with their Idempotency-Key.
 */
public final class WebhookAnswer {

    /** The exchange property holding the attempt's deadline (System.nanoTime()). */
    public static final String DEADLINE = "webhookDeadline";
    static final int MAX_ANSWER_CHARS = 500;

    private final Supplier<Instant> clock;
    private final AtomicLong notBefore = new AtomicLong();
    private Duration attemptBudget = Duration.ofSeconds(15);
    private Duration retryAfterMax = Duration.ofSeconds(5);

    public WebhookAnswer() {
        this(Instant::now);
    }

    WebhookAnswer(Supplier<Instant> clock) {
        this.clock = clock;
    }

    /** How long an attempt may go on starting requests. */
    public void setAttemptBudget(Duration attemptBudget) {
        this.attemptBudget = attemptBudget;
    }

    /** The longest Retry-After that is waited for; a longer one is cut to it, and cdc-errors' backoff follows. */
    public void setRetryAfterMax(Duration retryAfterMax) {
        this.retryAfterMax = retryAfterMax;
    }

    /**
     * The batch's changes by row (database, table and primary key, as kafka-per-table keys them): each row's in batch
     * order, which is its commit order; rows in the order of their first change.
     */
    public List<List<Message>> byRow(List<Message> changes) {
        Map<String, List<Message>> rows = new LinkedHashMap<>();
        for (Message change : changes) {
            rows.computeIfAbsent(KafkaPerTable.rowKey(change), k -> new ArrayList<>()).add(change);
        }
        return new ArrayList<>(rows.values());
    }

    /** The deadline of an attempt that starts now, as epoch milliseconds. */
    public long deadline() {
        return clock.get().toEpochMilli() + attemptBudget.toMillis();
    }

    /** Throws when the attempt is past its deadline, before it starts another request. */
    public void checkDeadline(@ExchangeProperty(DEADLINE) Long deadline) throws WebhookDeadlineException {
        if (deadline != null && clock.get().toEpochMilli() > deadline) {
            throw new WebhookDeadlineException("the webhook sink's attempt ran past its budget of "
                    + attemptBudget.toMillis() + " ms; the batch is retried, and changes the receiver already holds"
                    + " come back with the same Idempotency-Key");
        }
    }

    /**
     * Notes a receiver's {@code Retry-After} (seconds or an HTTP date), capped at the configured maximum, so that the
     * next attempt waits for it ({@link #waitMillis}); no or an unreadable one asks no wait. The attempt itself throws
     * at once: the batch's other rows, POSTed in parallel, would not wait anyway.
     */
    public void retryAfter(@Header("Retry-After") String retryAfter) {
        long millis = retryAfterMillis(retryAfter);
        if (millis > 0) {
            long until = clock.get().toEpochMilli() + millis;
            notBefore.accumulateAndGet(until, Math::max);
        }
    }

    /** How long an attempt waits before its first POST: what a Retry-After asked for and is not over yet. */
    public long waitMillis() {
        return Math.max(0, notBefore.get() - clock.get().toEpochMilli());
    }

    long retryAfterMillis(String retryAfter) {
        if (retryAfter == null || retryAfter.isBlank()) {
            return 0;
        }
        long millis;
        String value = retryAfter.strip();
        try {
            millis = Math.multiplyExact(Long.parseLong(value), 1000L);
        } catch (NumberFormatException | ArithmeticException e) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                millis = Duration.between(clock.get(), at).toMillis();
            } catch (DateTimeParseException notADate) {
                return 0;
            }
        }
        return Math.max(0, Math.min(millis, retryAfterMax.toMillis()));
    }

    /** The receiver's answer as a dead letter records it: the status, then the start of the body. */
    public String describe(@Header("CamelHttpResponseCode") Integer status, @Body String body) {
        String text = body == null ? "" : body.strip();
        if (text.length() > MAX_ANSWER_CHARS) {
            text = text.substring(0, MAX_ANSWER_CHARS) + "…";
        }
        return text.isEmpty() ? String.valueOf(status) : status + " " + text;
    }

    /** An attempt of the webhook sink that ran out of its time; the batch is retried. */
    public static final class WebhookDeadlineException extends Exception {
        private static final long serialVersionUID = 1L;

        WebhookDeadlineException(String message) {
            super(message);
        }
    }
}
