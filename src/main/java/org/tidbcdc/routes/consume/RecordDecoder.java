package org.tidbcdc.routes.consume;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.tidbcdc.routes.canal.CanalDecoder;
import org.tidbcdc.routes.canal.CanalFormatException;
import org.tidbcdc.routes.canal.DecodedRecord;
import org.tidbcdc.routes.canal.Source;

/**
 * Decodes one polled Kafka record (a child exchange of the batch) and adds its changes to the batch. The batch is
 * shared by reference with every split exchange, so no aggregation (and none of a handled record's error state) is
 * copied back onto the batch exchange.
 */
public final class RecordDecoder {

    private final CanalDecoder decoder;
    private final Watermarks watermarks;

    public RecordDecoder(CanalDecoder decoder, Watermarks watermarks) {
        this.decoder = decoder;
        this.watermarks = watermarks;
    }

    /** Takes the split exchange, whose body is the polled record's exchange. */
    public DecodedRecord decode(Exchange split) {
        Message m = split.getMessage().getBody(Exchange.class).getMessage();
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
        split.getProperty(OffsetCursor.BATCH, KafkaBatch.class).add(decoded);
        return decoded;
    }

    static Source sourceOf(Message m) {
        return new Source(m.getHeader(KafkaConstants.TOPIC, String.class),
                m.getHeader(KafkaConstants.PARTITION, Integer.class),
                m.getHeader(KafkaConstants.OFFSET, Long.class));
    }
}
