package org.tidbcdc.routes.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualSyncCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory;
import org.apache.kafka.common.TopicPartition;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tidbcdc.routes.canal.CanalDecoder;
import org.tidbcdc.routes.canal.CanalFormatException;
import org.tidbcdc.routes.canal.ChangeEvent;
import org.tidbcdc.routes.canal.ClaimCheckUnavailableException;
import org.tidbcdc.routes.canal.Source;
import org.tidbcdc.routes.testsupport.CanalRecords;

class RecordDecoderTest {

    private final CamelContext context = new DefaultCamelContext();
    private final ExecutorService helpers = Executors.newFixedThreadPool(1);

    @AfterEach
    void stopHelpers() {
        helpers.shutdownNow();
    }

    private RecordDecoder withOneHelper(Watermarks watermarks, Consumer<ChangeEvent> prepare) {
        return new RecordDecoder(new CanalDecoder(), watermarks, helpers, 1, prepare);
    }
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
    void aRecordsCoordinatesComeFromItsManualCommitWhereCamelKafkaSetOneAndFromItsHeadersElse() {
        Exchange record = new DefaultExchange(context);
        record.getMessage().setHeader(KafkaConstants.TOPIC, "cdc");
        record.getMessage().setHeader(KafkaConstants.PARTITION, 2);
        record.getMessage().setHeader(KafkaConstants.OFFSET, 41L);
        assertThat(RecordDecoder.sourceOf(record.getMessage())).isEqualTo(new Source("cdc", 2, 41));

        record.getMessage().setHeader(KafkaConstants.MANUAL_COMMIT, new DefaultKafkaManualSyncCommit(
                new KafkaManualCommitFactory.CamelExchangePayload(record, null, "t", null),
                new KafkaManualCommitFactory.KafkaRecordPayload(new TopicPartition("cdc", 2), 41L, 1000L), null));
        record.getMessage().removeHeaders("kafka.*");
        assertThat(RecordDecoder.sourceOf(record.getMessage())).isEqualTo(new Source("cdc", 2, 41));
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
    void aRejectedRecordKeepsWhyItWasRejectedForItsDeadLetter() {
        RecordDecoder decoder = new RecordDecoder(new CanalDecoder(), new Watermarks());
        Exchange batch = batch(200);
        decoder.decodeAll(batch);
        Exchange first = decoder.rejected(batch).get(0);
        assertThat(batch.getProperty(OffsetCursor.BATCH, KafkaBatch.class).rejected().get(first))
                .isInstanceOf(CanalFormatException.class);
    }

    @Test
    void decodingTheBatchAgainStartsItOver() {
        RecordDecoder decoder = new RecordDecoder(new CanalDecoder(), new Watermarks());
        Exchange batch = batch(300);
        List<Long> first = offsets(new ArrayList<>(decoder.decodeAll(batch)));
        assertThat(offsets(decoder.decodeAll(batch))).isEqualTo(first);
        assertThat(decoder.rejected(batch)).hasSize(3);
    }

    @Test
    void aHelperThreadDecodesAlongsideTheConsumerThreadAndTheOutcomeIsTheSameAsOnOneThread() {
        Watermarks alone = new Watermarks();
        RecordDecoder oneThread = new RecordDecoder(new CanalDecoder(), alone);
        Exchange sequential = batch(1000);
        List<ChangeEvent> expected = oneThread.decodeAll(sequential);

        // the first change each thread prepares waits for the other thread: passes only if both decode
        CyclicBarrier both = new CyclicBarrier(2);
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        AtomicInteger prepared = new AtomicInteger();
        Watermarks watermarks = new Watermarks();
        RecordDecoder decoder = withOneHelper(watermarks, e -> {
            if (threads.add(Thread.currentThread())) {
                await(both);
            }
            prepared.incrementAndGet();
        });
        Exchange parallel = batch(1000);

        List<ChangeEvent> changes = decoder.decodeAll(parallel);

        assertThat(threads).hasSize(2);
        assertThat(prepared).hasValue(changes.size());
        assertThat(changes).extracting(ChangeEvent::eventKey)
                .containsExactlyElementsOf(expected.stream().map(ChangeEvent::eventKey).toList());
        assertThat(decoder.rejected(parallel)).extracting(r -> r.getMessage().getHeader(KafkaConstants.OFFSET))
                .containsExactlyElementsOf(oneThread.rejected(sequential).stream()
                        .map(r -> r.getMessage().getHeader(KafkaConstants.OFFSET)).toList());
        assertThat(parallel.getProperty(OffsetCursor.BATCH, KafkaBatch.class).watermarks()).isEqualTo(20);
        assertThat(watermarks.current()).isEqualTo(alone.current());
    }

    @Test
    void aChangeThatCannotBeRenderedIsSetAsideLikeOneThatCannotBeDecoded() {
        RecordDecoder decoder = withOneHelper(new Watermarks(), e -> {
            if (e.source().offset() == 500) {
                throw new IllegalArgumentException("cannot render");
            }
        });
        Exchange batch = batch(1000);
        assertThat(offsets(decoder.decodeAll(batch))).doesNotContain(500L).hasSize(1000 - 20 - 11 - 1);
        assertThat(decoder.rejected(batch)).extracting(r -> r.getMessage().getHeader(KafkaConstants.OFFSET))
                .contains(500L);
    }

    @Test
    void anErrorThatNoRecordExplainsFailsTheWholeBatchWhicheverThreadMetIt() {
        RecordDecoder decoder = withOneHelper(new Watermarks(), e -> {
            if (e.source().offset() % 100 == 7) {
                throw new StackOverflowError("not about the record");
            }
        });
        assertThatThrownBy(() -> decoder.decodeAll(batch(1000)))
                .satisfiesAnyOf(t -> assertThat(t).isInstanceOf(StackOverflowError.class),
                        t -> assertThat(t).hasCauseInstanceOf(StackOverflowError.class));
    }

    @Test
    void aClaimCheckObjectThatCannotBeReadNowFailsTheBatchInsteadOfDeadLetteringTheRecord() {
        RecordDecoder decoder = withOneHelper(new Watermarks(), e -> {
            if (e.source().offset() == 700) {
                throw new ClaimCheckUnavailableException("CLAIM_CHECK_DIR is not there", null);
            }
        });
        Exchange batch = batch(1000);
        assertThatThrownBy(() -> decoder.decodeAll(batch))
                .satisfiesAnyOf(t -> assertThat(t).isInstanceOf(ClaimCheckUnavailableException.class),
                        t -> assertThat(t).hasCauseInstanceOf(ClaimCheckUnavailableException.class));
        assertThat(batch.getProperty(OffsetCursor.BATCH, KafkaBatch.class).rejected()).isEmpty();
    }

    @Test
    void withItsHelpersGoneTheConsumerThreadDecodesTheBatchAlone() throws InterruptedException {
        helpers.shutdown();
        assertThat(helpers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        RecordDecoder decoder = withOneHelper(new Watermarks(), e -> { });
        assertThat(offsets(decoder.decodeAll(batch(1000)))).isSorted().hasSize(1000 - 20 - 11);
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the other thread never decoded a change", e);
        }
    }
}
