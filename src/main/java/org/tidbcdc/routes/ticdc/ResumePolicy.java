package org.tidbcdc.routes.ticdc;

import java.time.Duration;
import java.time.Instant;

/**
 * How often the control plane resumes a changefeed on its own: at most {@code maxResumes} times, the first at once and
 * each further one after twice the previous wait (capped). A resume that does not get the changefeed replicating
 * again is not tried forever; the budget is given back once it replicates (normal, checkpoint advancing), or when the
 * changefeed is gone.
 */
public final class ResumePolicy {

    /** What to do about a changefeed that should be resumed. */
    public enum Decision {
        RESUME, WAIT, EXHAUSTED
    }

    private final int maxResumes;
    private final Duration backoff;
    private final Duration maxBackoff;
    private int resumes;
    private Instant lastResume;
    private Instant resumeBefore;

    public ResumePolicy(int maxResumes, Duration backoff, Duration maxBackoff) {
        if (maxResumes < 0) {
            throw new IllegalArgumentException("CHANGEFEED_MAX_RESUMES must not be negative: " + maxResumes);
        }
        if (backoff.isNegative() || maxBackoff.compareTo(backoff) < 0) {
            throw new IllegalArgumentException("CHANGEFEED_RESUME_BACKOFF_MAX (" + maxBackoff
                    + ") must not be below CHANGEFEED_RESUME_BACKOFF (" + backoff + ")");
        }
        this.maxResumes = maxResumes;
        this.backoff = backoff;
        this.maxBackoff = maxBackoff;
    }

    public synchronized Decision decide(Instant now) {
        if (resumes >= maxResumes) {
            return Decision.EXHAUSTED;
        }
        return resumes == 0 || !now.isBefore(lastResume.plus(delayBefore(resumes + 1)))
                ? Decision.RESUME : Decision.WAIT;
    }

    public synchronized void resumed(Instant now) {
        resumes++;
        resumeBefore = lastResume;
        lastResume = now;
    }

    /**
     * The last resume never reached TiCDC: the capture asked could not serve (not ready) and another is asked at once.
     * It gives back what {@link #resumed} took.
     */
    public synchronized void notMade() {
        if (resumes > 0) {
            resumes--;
            lastResume = resumeBefore;
        }
    }

    public synchronized void reset() {
        resumes = 0;
        lastResume = null;
        resumeBefore = null;
    }

    public synchronized int resumes() {
        return resumes;
    }

    public int maxResumes() {
        return maxResumes;
    }

    /** The wait before resume number {@code n} (1-based): none for the first, then backoff, 2×, 4×… up to the cap. */
    Duration delayBefore(int n) {
        if (n <= 1) {
            return Duration.ZERO;
        }
        Duration delay = backoff;
        for (int i = 2; i < n && delay.compareTo(maxBackoff) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(maxBackoff) > 0 ? maxBackoff : delay;
    }
}
