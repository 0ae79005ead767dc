package org.tidbcdc.routes.canal;

import java.util.List;

/**
 * What one Kafka record decodes to: the changes it carries, or a TiCDC watermark (resolved ts) and no changes.
 */
public final class DecodedRecord {

    private final List<ChangeEvent> events;
    private final Long watermarkTs;

    private DecodedRecord(List<ChangeEvent> events, Long watermarkTs) {
        this.events = events;
        this.watermarkTs = watermarkTs;
    }

    public static DecodedRecord ofEvents(List<ChangeEvent> events) {
        return new DecodedRecord(List.copyOf(events), null);
    }

    /** @param watermarkTs the TSO as the bits of an unsigned 64-bit integer (see {@link #watermarkTs()}) */
    public static DecodedRecord ofWatermark(long watermarkTs) {
        return new DecodedRecord(List.of(), watermarkTs);
    }

    /** The changes in record order; empty for a watermark. */
    public List<ChangeEvent> events() {
        return events;
    }

    public boolean isWatermark() {
        return watermarkTs != null;
    }

    /**
     * The watermark TSO, or null when this is not a watermark. A TSO is an unsigned 64-bit integer held here in a
     * long's bits: compare with {@link Long#compareUnsigned} and print with {@link Long#toUnsignedString(long)}. (The
     * physical part of a TSO reaches the sign bit only in the 31st century, so a plain comparison works today; the
     * unsigned calls cost nothing and stay right.)
     */
    public Long watermarkTs() {
        return watermarkTs;
    }

    @Override
    public String toString() {
        return isWatermark()
                ? "watermark " + Long.toUnsignedString(watermarkTs)
                : events.size() + " event(s)";
    }
}
