package org.tidbcdc.routes.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.tidbcdc.routes.canal.CanalDecoder;
import org.tidbcdc.routes.canal.CanalFormatException;
import org.tidbcdc.routes.canal.ChangeEvent;
import org.tidbcdc.routes.testsupport.CanalRecords;

class RecordDecoderTest {

    private final CamelContext context = new DefaultCamelContext();
    /** A polled batch of n records on partition 1: every 97th (from 13 on) is not JSON, every 50th is a watermark. */
    private Exchange batch(int n) {
        List<Exchange> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] value = i % 97 == 13 ? "{not json".getBytes(StandardCharsets.UTF_8)
                    : i % 50 == 49 ? CanalRecords.watermark(CanalRecords.BASE_TS + i)
                    : CanalRecords.insert("app_db", "t", i, CanalRecords.BASE_TS + i, "row " + i);
            Exchange record = new DefaultExchange(context);
            record.getMessage().setBody(value);
            record.getMessage().setHeader(KafkaConstants.TOPIC, "cdc");
            record.getMessage().setHeader(KafkaConstants.PARTITION, 1);
            record.getMessage().setHeader(KafkaConstants.OFFSET, (long) i);
            records.add(record);
        }
        Exchange batch = new DefaultExchange(context);
        batch.getMessage().setBody(records);
        batch.setProperty(OffsetCursor.BATCH, new KafkaBatch(null));
        return batch;
    }

    private static List<Long> offsets(List<ChangeEvent> events) {
        return events.stream().map(e -> e.source().offset()).toList();
    }

    @Test
    void aBatchDecodesInOffsetOrderAndSetsAsideTheRecordsThatCannotBeDecoded() {
        Watermarks watermarks = new Watermarks();
        RecordDecoder decoder = new RecordDecoder(new CanalDecoder(), watermarks);
        Exchange batch = batch(1000);

        List<ChangeEvent> changes = decoder.decodeAll(batch);

        assertThat(offsets(changes)).isSorted().hasSize(1000 - 20 - 11).doesNotContain(13L, 49L);
        assertThat(decoder.rejected(batch)).extracting(r -> r.getMessage().getHeader(KafkaConstants.OFFSET))
                .startsWith(13L, 110L).hasSize(11);
        assertThat(batch.getProperty(OffsetCursor.BATCH, KafkaBatch.class).watermarks()).isEqualTo(20);
        assertThat(watermarks.current()).containsEntry(1, CanalRecords.BASE_TS + 999);
    }

    @Test
    void aRejectedRecordIsThrownAgainWithWhyItWasRejected() {
        RecordDecoder decoder = new RecordDecoder(new CanalDecoder(), new Watermarks());
        Exchange batch = batch(200);
        decoder.decodeAll(batch);
        Exchange split = new DefaultExchange(context);
        split.setProperty(OffsetCursor.BATCH, batch.getProperty(OffsetCursor.BATCH));
        split.getMessage().setBody(decoder.rejected(batch).get(0));
        assertThatThrownBy(() -> decoder.reject(split)).isInstanceOf(CanalFormatException.class);
    }

    @Test
    void decodingTheBatchAgainStartsItOver() {
        RecordDecoder decoder = new RecordDecoder(new CanalDecoder(), new Watermarks());
        Exchange batch = batch(300);
        List<Long> first = offsets(new ArrayList<>(decoder.decodeAll(batch)));
        assertThat(offsets(decoder.decodeAll(batch))).isEqualTo(first);
        assertThat(decoder.rejected(batch)).hasSize(3);
    }
}
