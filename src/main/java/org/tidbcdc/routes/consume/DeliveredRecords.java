package org.tidbcdc.routes.consume;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.common.TopicPartition;

/**
 * The records this process has delivered to one sink lately, per partition, so that a record polled again does not
 * reach that sink a second time ({@link SinkHoldings}). A record comes back when its batch's commit failed (the broker
 * hung or went away for longer than the commit's retries, or a rebalance refused it) and the batch was rewound, and
 * also when the consumer hands out a fetch again that it had taken before the rewind.
 *
 * <p>A record is recognised by its offset, Kafka timestamp and value size, never by its offset alone: a topic deleted
 * and created again under the same name reuses offsets, and its records must still be delivered. Only the last
 * {@link #WINDOW} delivered records of each partition are kept; an older one polled again is delivered again, which
 * repeats a line rather than losing a change. Only the consumer thread uses this.
 */
public final class DeliveredRecords {

    /** Per partition: several batches of the default 500 records, far more than a rewind reaches back. */
    static final int WINDOW = 4096;

    private final Map<TopicPartition, Ring> partitions = new HashMap<>();

    /** A record of a batch that the sink now holds; offsets of a partition come in increasing order. */
    public void delivered(TopicPartition tp, long offset, Exchange record) {
        delivered(tp, offset, timestamp(record), valueBytes(record));
    }

    /** The same, for a record known by its fingerprint; one that is not past the last of its partition is ignored. */
    public void delivered(TopicPartition tp, long offset, long timestamp, int valueBytes) {
        partitions.computeIfAbsent(tp, p -> new Ring()).add(offset, timestamp, valueBytes);
    }

    /** Whether the sink already holds this record. */
    public boolean holds(TopicPartition tp, long offset, Exchange record) {
        Ring ring = partitions.get(tp);
        // almost every record is past the last delivered one: only a record that comes back is fingerprinted
        return ring != null && ring.reaches(offset) && ring.holds(offset, timestamp(record), valueBytes(record));
    }

    private static long timestamp(Exchange record) {
        Long timestamp = record.getMessage().getHeader(KafkaConstants.TIMESTAMP, Long.class);
        return timestamp == null ? -1 : timestamp;
    }

    private static int valueBytes(Exchange record) {
        return record.getMessage().getBody() instanceof byte[] value ? value.length : -1;
    }

    /** The last WINDOW records of one partition, in offset order. */
    private static final class Ring {
        private final long[] offsets = new long[WINDOW];
        private final long[] timestamps = new long[WINDOW];
        private final int[] sizes = new int[WINDOW];
        private int next;
        private int size;

        void add(long offset, long timestamp, int bytes) {
            if (reaches(offset)) {
                return; // already there: only new offsets are appended
            }
            offsets[next] = offset;
            timestamps[next] = timestamp;
            sizes[next] = bytes;
            next = (next + 1) % WINDOW;
            size = Math.min(size + 1, WINDOW);
        }

        /** Whether the offset is not past the last one delivered. */
        boolean reaches(long offset) {
            return size > 0 && offset <= offsets[(next - 1 + WINDOW) % WINDOW];
        }

        boolean holds(long offset, long timestamp, int bytes) {
            int oldest = (next - size + WINDOW) % WINDOW;
            int i = search(oldest, offset);
            return i >= 0 && timestamps[i] == timestamp && sizes[i] == bytes;
        }

        /** The slot of this offset, or -1; the slots from the oldest on hold increasing offsets. */
        private int search(int oldest, long offset) {
            if (oldest + size <= WINDOW) {
                int i = Arrays.binarySearch(offsets, oldest, oldest + size, offset);
                return i >= 0 ? i : -1;
            }
            int i = Arrays.binarySearch(offsets, oldest, WINDOW, offset);
            if (i >= 0) {
                return i;
            }
            i = Arrays.binarySearch(offsets, 0, next, offset);
            return i >= 0 ? i : -1;
        }
    }
}
