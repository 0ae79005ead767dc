package org.tidbcdc.routes.consume;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The progress mark per partition: the highest TiCDC watermark seen there. A replay can bring an older watermark at a
 * higher offset, so the mark only moves forward.
 */
public final class Watermarks {

    private static final Logger LOG = LoggerFactory.getLogger(Watermarks.class);

    private final Map<Integer, Long> byPartition = new ConcurrentHashMap<>();

    public void advance(int partition, long watermarkTs) {
        Long now = byPartition.merge(partition, watermarkTs,
                (old, ts) -> Long.compareUnsigned(ts, old) > 0 ? ts : old);
        if (LOG.isDebugEnabled()) {
            LOG.debug("Watermark partition {}: {} (physical {} ms)", partition, Long.toUnsignedString(now), now >>> 18);
        }
    }

    /** The highest watermark TSO per partition seen so far. */
    public Map<Integer, Long> current() {
        return Map.copyOf(byPartition);
    }
}
