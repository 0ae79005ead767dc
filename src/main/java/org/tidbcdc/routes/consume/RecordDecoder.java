package org.tidbcdc.routes.consume;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.tidbcdc.routes.canal.CanalDecoder;
import org.tidbcdc.routes.canal.CanalFormatException;
import org.tidbcdc.routes.canal.ChangeEvent;
import org.tidbcdc.routes.canal.ClaimCheckUnavailableException;
import org.tidbcdc.routes.canal.DecodedRecord;
import org.tidbcdc.routes.canal.Source;

/**
 * Decodes the polled records of a batch, in order, into the batch's changes, and sets aside the records that can never
 * be decoded for the dead-letter topic.
 *
 * <p>The whole batch is decoded in one call rather than in a Camel split with one exchange per record: the benchmark
 * profile showed the per-record exchange copy, bean binding, unit of work and metrics events costing as much as the
 * decoding. Undecodable records are rare, so they alone are split, one exchange each, for the dead-letter topic.
 *
 * <p>Decoding a record touches nothing but the record, so helper threads decode a batch alongside the consumer thread,
 * taking small runs of records in turn, and also render what the enabled sinks will write. Without them a change's
 * whole path ran on the consumer thread while the machine's other core idled. The results are then applied to the
 * batch in offset order on the consumer thread, so the outcome does not depend on which thread decoded what.
 */
public final class RecordDecoder {

    /** Records a thread takes at a time: small enough to share a batch evenly, large enough to claim rarely. */
    private static final int RUN = 16;

    private final CanalDecoder decoder;
    private final Watermarks watermarks;
    private final ExecutorService helpers;
    private final int helperCount;
    private final Consumer<ChangeEvent> prepare;

    /** Decodes on the consumer thread alone and renders nothing ahead. */
    public RecordDecoder(CanalDecoder decoder, Watermarks watermarks) {
        this(decoder, watermarks, null, 0, e -> { });
    }

    /**
     * @param helpers     runs the helper threads' share; null when there are none
     * @param helperCount helpers that decode a batch with the consumer thread
     * @param prepare     renders, on the decoding thread, what the enabled sinks will ask a change for
     */
    public RecordDecoder(CanalDecoder decoder, Watermarks watermarks, ExecutorService helpers, int helperCount,
            Consumer<ChangeEvent> prepare) {
        this.decoder = decoder;
        this.watermarks = watermarks;
        this.helpers = helpers;
        this.helperCount = helpers == null ? 0 : helperCount;
        this.prepare = prepare;
    }

    /** Takes the batch exchange whose body is the records kept by {@link OffsetCursor#begin}; returns the changes. */
    public List<ChangeEvent> decodeAll(Exchange exchange) {
        KafkaBatch batch = exchange.getProperty(OffsetCursor.BATCH, KafkaBatch.class);
        batch.restartDecoding();
        @SuppressWarnings("unchecked")
        List<Exchange> records = exchange.getMessage().getBody(List.class);
        Object[] outcomes = decodeEach(records);
        for (int i = 0; i < outcomes.length; i++) {
            if (outcomes[i] instanceof CanalFormatException e) {
                batch.reject(records.get(i), e);
            } else {
                DecodedRecord decoded = (DecodedRecord) outcomes[i];
                if (decoded.isWatermark()) {
                    watermarks.advance(records.get(i).getMessage().getHeader(KafkaConstants.PARTITION, Integer.class),
                            decoded.watermarkTs());
                }
                batch.add(decoded);
            }
        }
        return batch.events();
    }

    /** The records of the batch that could not be decoded, in offset order; almost always none. */
    public List<Exchange> rejected(Exchange exchange) {
        KafkaBatch batch = exchange.getProperty(OffsetCursor.BATCH, KafkaBatch.class);
        return batch == null ? List.of() : new ArrayList<>(batch.rejected().keySet());
    }

    /** Per record, in order: its {@link DecodedRecord}, or the {@link CanalFormatException} it can never get past. */
    private Object[] decodeEach(List<Exchange> records) {
        Object[] outcomes = new Object[records.size()];
        Share share = new Share(records, outcomes);
        int started = 0;
        if (records.size() > RUN) {
            for (int i = 0; i < helperCount; i++) {
                try {
                    helpers.execute(share::help);
                    started++;
                } catch (RejectedExecutionException stopping) {
                    break; // the pool is shutting down: the consumer thread decodes what is left on its own
                }
            }
        }
        share.take();
        if (started > 0) {
            share.awaitDone();
        }
        return outcomes;
    }

    /** One batch's records, claimed a run at a time by whichever thread is free. */
    private final class Share {
        private final List<Exchange> records;
        private final Object[] outcomes;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        Share(List<Exchange> records, Object[] outcomes) {
            this.records = records;
            this.outcomes = outcomes;
        }

        /** A helper's share: what fails it fails the batch, through {@link #awaitDone}, on the consumer thread. */
        void help() {
            try {
                take();
            } catch (Throwable reported) {
                // already in done; thrown on, it would only print a second stack trace from the pool's thread
            }
        }

        void take() {
            int n = outcomes.length;
            try {
                for (int from = next.getAndAdd(RUN); from < n; from = next.getAndAdd(RUN)) {
                    int to = Math.min(from + RUN, n);
                    for (int i = from; i < to; i++) {
                        outcomes[i] = outcome(records.get(i).getMessage());
                    }
                    if (finished.addAndGet(to - from) == n) {
                        done.complete(null);
                    }
                }
            } catch (Throwable t) {
                // not a bad record (those are outcomes) but e.g. OutOfMemoryError: the batch fails and is retried
                done.completeExceptionally(t);
                throw t;
            }
        }

        void awaitDone() {
            try {
                done.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the batch was being decoded", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("decoding the batch failed: " + e.getCause(), e.getCause());
            }
        }
    }

    private Object outcome(Message record) {
        try {
            return decode(record);
        } catch (CanalFormatException e) {
            return e;
        }
    }

    /**
     * Decodes one polled record; anything the decoder cannot handle is a permanent {@link CanalFormatException}, except
     * a claim-check object that cannot be read now.
     */
    DecodedRecord decode(Message m) {
        Source source = sourceOf(m);
        try {
            DecodedRecord decoded = decoder.decode(m.getBody(byte[].class), source);
            decoded.events().forEach(prepare);
            return decoded;
        } catch (CanalFormatException | ClaimCheckUnavailableException e) {
            throw e; // the first goes to the dead-letter topic; the second fails the batch, which is retried
        } catch (RuntimeException e) {
            // a record the decoder cannot handle would otherwise stop the stream for good: dead-letter it instead
            throw new CanalFormatException("decoder failed on " + source + ": " + e, e);
        }
    }

    /**
     * The record's coordinates. camel-kafka sets them as three headers of a case-insensitive map; the manual-commit
     * object it also sets holds all three, so a record of the consumer costs one lookup instead of three.
     */
    public static Source sourceOf(Message m) {
        if (m.getHeader(KafkaConstants.MANUAL_COMMIT) instanceof DefaultKafkaManualCommit commit) {
            return new Source(commit.getPartition().topic(), commit.getPartition().partition(),
                    commit.getRecordOffset());
        }
        return new Source(m.getHeader(KafkaConstants.TOPIC, String.class),
                m.getHeader(KafkaConstants.PARTITION, Integer.class),
                m.getHeader(KafkaConstants.OFFSET, Long.class));
    }
}
