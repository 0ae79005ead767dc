package org.tidbcdc.routes.sink;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tidbcdc.routes.canal.ChangeEvent;

/**
 * The log sink: one concise INFO line per change ({@link ChangeEvent#summary}) on the {@code cdc.change} logger, the
 * full record at DEBUG. The logger is asynchronous (log4j2.xml), so logging does not hold up the consumer thread.
 */
public final class ChangeLog {

    private static final Logger LOG = LoggerFactory.getLogger("cdc.change");

    /** Whether a change is logged at all: an operator may raise the logger's level to WARN. */
    public static boolean enabled() {
        return LOG.isInfoEnabled();
    }

    /** The log sink route's step: logs the changes its route received. */
    public void log(ChangeList changes) {
        if (!enabled()) {
            return;
        }
        List<ChangeEvent> events = changes.events();
        boolean debug = LOG.isDebugEnabled();
        for (ChangeEvent e : events) {
            LOG.info(e.summary());
            if (debug) {
                LOG.debug(e.json());
            }
        }
    }
}
