package org.tidbcdc.routes.observe;

import java.time.Clock;

/** How far behind now a TiDB TSO is: its physical part is milliseconds since the epoch, in the bits above 18. */
final class TsoAge {

    private TsoAge() {
    }

    /** Seconds from the TSO's physical time to now; NaN for an unknown TSO (0 or less). */
    static double seconds(long tso, Clock clock) {
        if (tso <= 0) {
            return Double.NaN;
        }
        return (clock.millis() - (tso >>> 18)) / 1000.0;
    }
}
