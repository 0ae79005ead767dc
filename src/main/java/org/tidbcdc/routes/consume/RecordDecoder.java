package org.tidbcdc.routes.consume;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.tidbcdc.routes.canal.CanalDecoder;
import org.tidbcdc.routes.canal.CanalFormatException;
import org.tidbcdc.routes.canal.ChangeEvent;
import org.tidbcdc.routes.canal.DecodedRecord;
import org.tidbcdc.routes.canal.Source;

/**
 * Decodes the polled records of a batch, in order, into the batch's changes, and sets aside the records that can never
 * be decoded for the dead-letter topic.
 *
 * <p>The whole batch is decoded in one call rather than in a Camel split with one exchange per record: the benchmark
 * profile showed the per-record exchange copy, bean binding, unit of work and metrics events costing as much as the
 * decoding. Undecodable records are rare, so they alone are split, one exchange each, and {@link #reject} throws their
 * error again, so the route configuration's dead-letter handler sends them on as it always has.
 */
public final class RecordDecoder {

    private final CanalDecoder decoder;
    private final Watermarks watermarks;

    public RecordDecoder(CanalDecoder decoder, Watermarks watermarks) {
        this.decoder = decoder;
        this.watermarks = watermarks;
    }

    /** Takes the batch exchange whose body is the records kept by {@link OffsetCursor#begin}; returns the changes. */
    public List<ChangeEvent> decodeAll(Exchange exchange) {
        KafkaBatch batch = exchange.getProperty(OffsetCursor.BATCH, KafkaBatch.class);
        batch.restartDecoding();
        @SuppressWarnings("unchecked")
        List<Exchange> records = exchange.getMessage().getBody(List.class);
        for (Exchange record : records) {
            try {
                batch.add(decode(record.getMessage()));
            } catch (CanalFormatException e) {
                batch.reject(record, e);
            }
        }
        return batch.events();
    }

    /** The records of the batch that could not be decoded, in offset order; almost always none. */
    public List<Exchange> rejected(Exchange exchange) {
        KafkaBatch batch = exchange.getProperty(OffsetCursor.BATCH, KafkaBatch.class);
        return batch == null ? List.of() : new ArrayList<>(batch.rejected().keySet());
    }

    /** Takes a split exchange whose body is one rejected record, and throws why it was rejected. */
    public void reject(Exchange split) {
        Exchange record = split.getMessage().getBody(Exchange.class);
        throw split.getProperty(OffsetCursor.BATCH, KafkaBatch.class).rejected().get(record);
    }

    /** Decodes one polled record; anything the decoder cannot handle is a permanent {@link CanalFormatException}. */
    DecodedRecord decode(Message m) {
        Source source = sourceOf(m);
        DecodedRecord decoded;
        try {
            decoded = decoder.decode(m.getBody(byte[].class), source);
        } catch (CanalFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            // a record the decoder cannot handle would otherwise stop the stream for good: dead-letter it instead
            throw new CanalFormatException("decoder failed on " + source + ": " + e, e);
        }
        if (decoded.isWatermark()) {
            watermarks.advance(source.partition(), decoded.watermarkTs());
        }
        return decoded;
    }

    static Source sourceOf(Message m) {
        return new Source(m.getHeader(KafkaConstants.TOPIC, String.class),
                m.getHeader(KafkaConstants.PARTITION, Integer.class),
                m.getHeader(KafkaConstants.OFFSET, Long.class));
    }
}
