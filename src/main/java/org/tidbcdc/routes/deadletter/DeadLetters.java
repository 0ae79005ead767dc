package org.tidbcdc.routes.deadletter;

import java.nio.charset.StandardCharsets;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tidbcdc.routes.canal.Source;
import org.tidbcdc.routes.consume.KafkaBatch;
import org.tidbcdc.routes.consume.OffsetCursor;
import org.tidbcdc.routes.consume.RecordDecoder;

/**
 * Turns a record that can never be decoded into its dead-letter message: the original key, value, timestamp and
 * headers, plus where it came from and why it failed, so it can be inspected and replayed. A record the dead-letter
 * topic holds already ({@link DeadLetterHistory}) is not sent again.
 */
public final class DeadLetters {

    public static final String ERROR_CLASS = "cdc.error.class";
    public static final String ERROR_MESSAGE = "cdc.error.message";
    public static final String SOURCE_TOPIC = "cdc.source.topic";
    public static final String SOURCE_PARTITION = "cdc.source.partition";
    public static final String SOURCE_OFFSET = "cdc.source.offset";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    private static final int MAX_MESSAGE_CHARS = 2000;
    /** The rejected record's exchange, kept while the message body becomes its dead letter. */
    private static final String RECORD = "cdc.dead-letter.record";

    private final DeadLetterHistory history;

    public DeadLetters(DeadLetterHistory history) {
        this.history = history;
    }

    /**
     * Counts the rejected record as its batch's dead letter, whether or not it is sent now: a batch that sent it before
     * was never committed, so never counted.
     */
    public void count(Exchange failed) {
        KafkaBatch batch = failed.getProperty(OffsetCursor.BATCH, KafkaBatch.class);
        if (batch != null) {
            batch.countDeadLetter();
        }
    }

    /**
     * Takes the split exchange whose body is a rejected record; false when the dead-letter topic holds the record
     * already, which then is not sent again.
     */
    public boolean isNew(Exchange failed) {
        Exchange record = failed.getMessage().getBody(Exchange.class);
        if (history.holds(record)) {
            Source source = RecordDecoder.sourceOf(record.getMessage());
            LOG.warn("Not dead-lettered again: {}-{}@{} is in the dead-letter topic already (its batch came back after"
                    + " a failure or a restart)", source.topic(), source.partition(), source.offset());
            return false;
        }
        return true;
    }

    /** Rewrites the split exchange of a rejected record into the message sent to the dead-letter topic. */
    public void prepare(Exchange failed) {
        Exchange record = failed.getMessage().getBody(Exchange.class);
        failed.setProperty(RECORD, record);
        Message original = record.getMessage();
        Throwable error = failed.getProperty(OffsetCursor.BATCH, KafkaBatch.class).rejected().get(record);
        Source source = RecordDecoder.sourceOf(original);

        Message out = failed.getMessage();
        // Camel's own headers stay (camel-kafka does not send them): the error handler counts redeliveries in them, and
        // a send that fails is redelivered with this exchange
        out.removeHeaders("*", "Camel*");
        Headers headers = original.getHeader(KafkaConstants.HEADERS, Headers.class);
        if (headers != null) {
            for (Header h : headers) {
                out.setHeader(h.key(), h.value());
            }
        }
        Object key = original.getHeader(KafkaConstants.KEY);
        if (key != null) {
            out.setHeader(KafkaConstants.KEY, key);
        }
        Long timestamp = original.getHeader(KafkaConstants.TIMESTAMP, Long.class);
        if (timestamp != null && timestamp >= 0) {
            out.setHeader(KafkaConstants.OVERRIDE_TIMESTAMP, timestamp);
        }
        String errorClass = error == null ? "unknown" : error.getClass().getName();
        String errorMessage = error == null ? "" : truncate(String.valueOf(error.getMessage()));
        out.setHeader(ERROR_CLASS, bytes(errorClass));
        out.setHeader(ERROR_MESSAGE, bytes(errorMessage));
        out.setHeader(SOURCE_TOPIC, bytes(source.topic()));
        out.setHeader(SOURCE_PARTITION, bytes(String.valueOf(source.partition())));
        out.setHeader(SOURCE_OFFSET, bytes(String.valueOf(source.offset())));
        out.setBody(original.getBody(byte[].class));
    }

    /** The broker acknowledged the dead letter prepared on this exchange. */
    public void sent(Exchange exchange) {
        Exchange record = exchange.getProperty(RECORD, Exchange.class);
        history.sent(record);
        // logged once acknowledged: a send that fails is retried, and each attempt would log it again
        Source source = RecordDecoder.sourceOf(record.getMessage());
        LOG.warn("Dead-lettered {}-{}@{}: {}: {}", source.topic(), source.partition(), source.offset(),
                text(exchange.getMessage().getHeader(ERROR_CLASS, byte[].class)),
                text(exchange.getMessage().getHeader(ERROR_MESSAGE, byte[].class)));
    }

    private static String text(byte[] header) {
        return header == null ? "" : new String(header, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String truncate(String s) {
        return s.length() <= MAX_MESSAGE_CHARS ? s : s.substring(0, MAX_MESSAGE_CHARS) + "…";
    }
}
