package org.tidbcdc.routes.sink;

import java.util.Properties;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.mysql.cj.MysqlConnection;
import com.mysql.cj.Query;
import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.interceptors.QueryInterceptor;
import com.mysql.cj.log.Log;
import com.mysql.cj.protocol.Resultset;
import com.mysql.cj.protocol.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds a whole statement, sending included, by the connection's {@code socketTimeout}: a statement that has not
 * ended by then gets its connection's socket closed, so it fails as a communications error and the batch is retried.
 * <p>
 * The driver's socket timeout bounds reads only. A statement larger than the socket buffers that is being sent when
 * the database freezes, or the network goes dark, blocks in the socket write until the database wakes or TCP gives up
 * (against a frozen MariaDB on the same host: until it is thawed), and the consumer thread with it. Closing the
 * socket ends a blocked write at once. The database never receives the whole statement,
 * so nothing of it is applied. A statement the database is slow to answer gets the same bound it already had, a
 * little sooner than the read's own timeout would end it.
 * <p>
 * The driver creates one per connection, named by the {@code queryInterceptors} connection property.
 */
public final class StatementDeadline implements QueryInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(StatementDeadline.class);

    /** One thread for every connection: it only ever closes a socket. */
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    /** Statements begun on this connection; one thread at a time uses a connection. */
    private long statements;
    private volatile long inFlight;
    private volatile ScheduledFuture<?> armed;
    private MysqlConnection connection;
    private int timeoutMs;

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "audit-statement-deadline");
            t.setDaemon(true);
            return t;
        });
        // one is scheduled and cancelled per statement: cancelled ones must not wait in the queue for their time
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    @Override
    public QueryInterceptor init(MysqlConnection conn, Properties props, Log log) {
        this.connection = conn;
        this.timeoutMs = conn.getPropertySet().getIntegerProperty(PropertyKey.socketTimeout).getValue();
        return this;
    }

    @Override
    public <T extends Resultset> T preProcess(Supplier<String> sql, Query interceptedQuery) {
        disarm();
        if (timeoutMs > 0) {
            long statement = ++statements;
            inFlight = statement;
            armed = TIMER.schedule(() -> closeIfStillRunning(statement), timeoutMs, TimeUnit.MILLISECONDS);
        }
        return null;
    }

    @Override
    public <T extends Resultset> T postProcess(Supplier<String> sql, Query interceptedQuery, T originalResultSet,
            ServerSession serverSession) {
        disarm();
        return originalResultSet;
    }

    private void disarm() {
        inFlight = 0;
        ScheduledFuture<?> f = armed;
        if (f != null) {
            f.cancel(false);
            armed = null;
        }
    }

    private void closeIfStillRunning(long statement) {
        if (inFlight != statement) {
            return;
        }
        LOG.warn("An audit database statement had no answer after {} ms (AUDIT_SOCKET_TIMEOUT_MS), possibly still "
                + "sending to a database that hangs: closing its connection so that the batch is retried", timeoutMs);
        try {
            // the socket is what a blocked write waits on; the statement then fails as a communications error
            // (08S01), on which the driver closes the connection and the pool drops it
            connection.getSession().forceClose();
        } catch (RuntimeException e) {
            LOG.warn("Could not close the audit database connection's socket: {}", e.toString());
        }
    }

    @Override
    public boolean executeTopLevelOnly() {
        return true;
    }

    @Override
    public void destroy() {
        disarm();
    }
}
