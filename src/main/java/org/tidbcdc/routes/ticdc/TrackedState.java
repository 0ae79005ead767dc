package org.tidbcdc.routes.ticdc;

import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current state of one thing the control plane watches. Polls repeat the same answer every few seconds; only a
 * change is worth a log line, and it says what is wrong.
 */
final class TrackedState {

    static final Logger LOG = LoggerFactory.getLogger("cdc.control");

    private final String name;
    private volatile ComponentState current;
    private volatile Instant since;

    TrackedState(String name, ComponentState initial, Instant now) {
        this.name = name;
        this.current = initial;
        this.since = now;
    }

    /**
     * @param context appended to the log line only (a lag, a count): it changes on every poll, so it is no part of
     *                the state
     * @return whether the state changed
     */
    synchronized boolean update(ComponentState next, Instant now, String context) {
        ComponentState previous = current;
        if (previous.equals(next)) {
            return false;
        }
        current = next;
        since = now;
        String line = name + " " + previous.state() + " -> " + next.state() + ": " + next.reason()
                + (context == null || context.isEmpty() ? "" : " (" + context + ")");
        if (next.isUp()) {
            LOG.info(line);
        } else {
            LOG.warn(line);
        }
        return true;
    }

    ComponentState current() {
        return current;
    }

    Instant since() {
        return since;
    }
}
