package org.tidbcdc.routes.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.SocketException;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.mysql.cj.jdbc.exceptions.CommunicationsException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tidbcdc.routes.testsupport.MariaDbServer;

/**
 * {@link StatementDeadline} on a real MariaDB that freezes (SIGSTOP): the kernel still takes the connection's bytes
 * until the socket buffers are full, and then a write blocks, which the driver's socket timeout does not end.
 */
class StatementDeadlineIT {

    private static final int TIMEOUT_MS = 2000;
    /** 16 rows of 1 MB: more than the loopback socket buffers hold, so the write blocks. */
    private static final int ROWS = 16;
    private static final String VALUE = "x".repeat(1 << 20);

    private static MariaDbServer db;
    private final ExecutorService writers = Executors.newCachedThreadPool();

    @BeforeAll
    static void start() {
        db = MariaDbServer.start();
        db.executeScript("create database deadline;\ncreate table deadline.t (id int primary key, v longtext);\n");
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
    }

    @AfterEach
    void stopWriters() {
        writers.shutdownNow();
    }

    @Test
    void endsABatchBlockedInItsWriteToAFrozenDatabaseAndTheDatabaseAppliesNoneOfIt() throws Exception {
        try (Connection plain = connect(false); Connection bounded = connect(true)) {
            // the first batch of a size prepares its statement, a read; the second only writes
            batch(plain, 200).executeBatch();
            batch(bounded, 300).executeBatch();
            PreparedStatement unbounded = batch(plain, 0);
            PreparedStatement withDeadline = batch(bounded, 100);
            CompletableFuture<int[]> blocked;
            CompletableFuture<int[]> ended;
            long start;
            db.freeze();
            try {
                blocked = execute(unbounded);
                start = System.nanoTime();
                ended = execute(withDeadline);

                assertThatThrownBy(() -> ended.get(TIMEOUT_MS * 4L, TimeUnit.MILLISECONDS))
                        .as("the batch with a deadline, against the frozen database")
                        // a communications failure (SQLState 08S01), which makes the pool drop the connection
                        .isInstanceOf(ExecutionException.class).cause().isInstanceOf(BatchUpdateException.class)
                        .cause().isInstanceOf(CommunicationsException.class).hasRootCauseInstanceOf(SocketException.class);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("time to the failure")
                        .isGreaterThanOrEqualTo(Duration.ofMillis(TIMEOUT_MS));
                // the hazard is real: without the deadline the same batch is still blocked, well past the socket
                // timeout that would have ended any read
                assertThatThrownBy(() -> blocked.get(TIMEOUT_MS * 2L, TimeUnit.MILLISECONDS))
                        .as("the batch without a deadline").isInstanceOf(TimeoutException.class);
                assertThat(bounded.isClosed()).as("the connection whose socket was closed").isTrue();
            } finally {
                db.thaw();
            }
            assertThat(blocked.get(60, TimeUnit.SECONDS)).as("the unbounded batch once the database thaws")
                    .hasSize(ROWS);
        }
        assertThat(db.queryLong("select count(*) from deadline.t where id between 100 and 199"))
                .as("rows of the ended batch: the database never received all of it").isZero();

        // the retry, on a new connection, writes the batch once
        try (Connection again = connect(true)) {
            assertThat(batch(again, 100).executeBatch()).hasSize(ROWS);
        }
        assertThat(db.queryLong("select count(*) from deadline.t where id between 100 and 199")).isEqualTo(ROWS);
    }

    @Test
    void leavesAConnectionAloneWhoseStatementsEndInTimeFailedOrNot() throws Exception {
        try (Connection c = connect(true); PreparedStatement insert = c.prepareStatement(
                "insert into deadline.t values (?, 'v')")) {
            insert.setInt(1, 1000);
            insert.executeUpdate();
            assertThatThrownBy(insert::executeUpdate).as("a duplicate key").isInstanceOf(SQLException.class);

            // two statements of 3/4 of the timeout each: the deadlines of the first two pass while they run
            try (Statement slow = c.createStatement()) {
                for (int i = 0; i < 2; i++) {
                    assertThat(slow.execute("select sleep(" + TIMEOUT_MS * 3 / 4 / 1000.0 + ")")).isTrue();
                }
            }

            assertThat(c.isClosed()).isFalse();
            insert.setInt(1, 1001);
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
    }

    /**
     * Like the audit pool's connections, but with local session state, so that nothing is read before a batch is
     * written (the audit pool's read-only check would find a database that is frozen already).
     */
    private static Connection connect(boolean deadline) throws SQLException {
        return DriverManager.getConnection(db.jdbcUrl("deadline") + "?socketTimeout=" + TIMEOUT_MS
                + "&connectTimeout=3000&useServerPrepStmts=true&rewriteBatchedStatements=true&cachePrepStmts=true"
                + "&prepStmtCacheSqlLimit=32768&prepStmtCacheSize=16"
                + "&useLocalSessionState=true"
                + (deadline ? "&queryInterceptors=" + StatementDeadline.class.getName() : ""), "root", "");
    }

    private static PreparedStatement batch(Connection c, int firstId) throws SQLException {
        PreparedStatement ps = c.prepareStatement("insert into deadline.t values (?, ?)");
        for (int i = 0; i < ROWS; i++) {
            ps.setInt(1, firstId + i);
            ps.setString(2, VALUE);
            ps.addBatch();
        }
        return ps;
    }

    private CompletableFuture<int[]> execute(PreparedStatement batch) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return batch.executeBatch();
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, writers);
    }
}
