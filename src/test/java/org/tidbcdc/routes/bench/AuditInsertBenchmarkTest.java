package org.tidbcdc.routes.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.tidbcdc.routes.canal.CanalDecoder;
import org.tidbcdc.routes.canal.ChangeEvent;
import org.tidbcdc.routes.canal.Source;
import org.tidbcdc.routes.sink.AuditRows;
import org.tidbcdc.routes.testsupport.MariaDbServer;

/**
 * The audit insert alone, against a real MariaDB: the benchmark's changes inserted as the audit sink inserts them
 * (sql/audit-insert.sql, 500-row JDBC batches, the pool's driver properties), once per driver setting in turn, with
 * the CPU time of the inserting thread and of MariaDB per change. It separates what the pipeline benchmark cannot:
 * the driver's cost per bound parameter against client-side escaping. Run on demand only:
 * {@code mvn -o test -Dtest=AuditInsertBenchmarkTest -Dbench.audit=true -Dbench.audit.changes=100000}.
 */
@EnabledIfSystemProperty(named = "bench.audit", matches = "true")
class AuditInsertBenchmarkTest {

    private static final int CHANGES = Integer.getInteger("bench.audit.changes", 50_000);
    private static final int ROUNDS = Integer.getInteger("bench.audit.rounds", 3);
    private static final int BATCH = 500;

    /** The driver settings compared: the audit pool's, and client-side rewritten multi-row statements. */
    private static final String MULTI_ROW = "server-side prepared multi-row statement, bound directly (no JDBC batch)";

    private static final Map<String, Map<String, String>> SETTINGS = Map.of(
            MULTI_ROW,
            Map.of("useServerPrepStmts", "true", "cachePrepStmts", "true", "prepStmtCacheSqlLimit", "262144",
                    "prepStmtCacheSize", "16"),
            "server-side prepared (useServerPrepStmts=true, as the pool has it)",
            Map.of("useServerPrepStmts", "true", "cachePrepStmts", "true", "prepStmtCacheSqlLimit", "32768",
                    "prepStmtCacheSize", "16"),
            "client-side rewritten (useServerPrepStmts=false)",
            Map.of("useServerPrepStmts", "false", "cachePrepStmts", "true", "prepStmtCacheSqlLimit", "32768",
                    "prepStmtCacheSize", "16"));

    @Test
    void measuresTheAuditInsertPerDriverSetting() throws Exception {
        List<List<Object>> rows = rows();
        String sql = new String(AuditRows.class.getResourceAsStream("/sql/audit-insert.sql").readAllBytes(),
                StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        try (MariaDbServer db = MariaDbServer.start()) {
            db.applyDbScripts();
            for (int round = 0; round < ROUNDS; round++) {
                for (Map.Entry<String, Map<String, String>> setting : SETTINGS.entrySet()) {
                    db.executeScript("truncate table cdc_audit.change_event;");
                    lines.add(insert(db, sql, rows, round, setting.getKey(), setting.getValue()));
                }
            }
            assertThat(db.queryLong("select count(*) from cdc_audit.change_event")).isEqualTo(rows.size());
        }
        String report = String.format(Locale.ROOT, "Audit insert, %,d changes in %d-row batches, %d rounds, settings in"
                + " turn%n%n| round | driver setting | inserting thread CPU µs per change | MariaDB CPU µs per change"
                + " | wall µs per change |%n|--:|---|--:|--:|--:|%n", rows.size(), BATCH, ROUNDS)
                + String.join("\n", lines) + "\n";
        System.out.println(report);
        Files.writeString(Path.of("target", "audit-bench.md"), report, StandardCharsets.UTF_8);
    }

    /** sql/audit-insert.sql with {@code n} rows of placeholders in its VALUES clause. */
    private static String multiRow(String sql, int n) {
        int values = sql.indexOf("VALUES");
        int tupleStart = sql.indexOf('(', values);
        int tupleEnd = sql.indexOf(')', tupleStart) + 1;
        String tuple = sql.substring(tupleStart, tupleEnd);
        return sql.substring(0, tupleStart) + String.join(",\n  ", java.util.Collections.nCopies(n, tuple))
                + sql.substring(tupleEnd);
    }

    private static List<List<Object>> rows() throws Exception {
        CanalRecordGenerator generator = new CanalRecordGenerator(42, 1_735_689_600_000L, 3, 1000);
        CanalDecoder decoder = new CanalDecoder();
        Method row = AuditRows.class.getDeclaredMethod("row", ChangeEvent.class);
        row.setAccessible(true);
        List<List<Object>> rows = new ArrayList<>(CHANGES);
        long offset = 0;
        while (rows.size() < CHANGES) {
            CanalRecordGenerator.Generated g = generator.next();
            for (ChangeEvent e : decoder.decode(g.value(), new Source("bench", g.partition(), offset++)).events()) {
                e.renderImages();
                @SuppressWarnings("unchecked")
                List<Object> values = (List<Object>) row.invoke(null, e);
                rows.add(values);
            }
        }
        return rows;
    }

    private static String insert(MariaDbServer db, String sql, List<List<Object>> rows, int round, String name,
            Map<String, String> driver) throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (HikariDataSource ds = new HikariDataSource()) {
            ds.setJdbcUrl(db.jdbcUrl("cdc_audit"));
            ds.setUsername("root");
            ds.setPassword("");
            ds.setMaximumPoolSize(1);
            ds.setConnectionInitSql("SET time_zone = '+00:00'");
            ds.addDataSourceProperty("rewriteBatchedStatements", "true");
            ds.addDataSourceProperty("characterEncoding", "UTF-8");
            ds.addDataSourceProperty("connectionCollation", "utf8mb4_bin");
            ds.addDataSourceProperty("useLocalSessionState", "false");
            driver.forEach(ds::addDataSourceProperty);
            try (Connection c = ds.getConnection()) {
                long cpu = threads.getCurrentThreadCpuTime();
                long dbCpu = PipelineBenchmark.cpuMillis(db.pid());
                long start = System.nanoTime();
                for (int from = 0; from < rows.size() && MULTI_ROW.equals(name); from += BATCH) {
                    List<List<Object>> chunk = rows.subList(from, Math.min(from + BATCH, rows.size()));
                    try (PreparedStatement ps = c.prepareStatement(multiRow(sql, chunk.size()))) {
                        int p = 1;
                        for (List<Object> row : chunk) {
                            for (Object value : row) {
                                ps.setObject(p++, value);
                            }
                        }
                        ps.executeUpdate();
                    }
                }
                for (int from = 0; from < rows.size() && !MULTI_ROW.equals(name); from += BATCH) {
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        for (List<Object> row : rows.subList(from, Math.min(from + BATCH, rows.size()))) {
                            for (int i = 0; i < row.size(); i++) {
                                ps.setObject(i + 1, row.get(i));
                            }
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                }
                long wall = System.nanoTime() - start;
                cpu = threads.getCurrentThreadCpuTime() - cpu;
                dbCpu = PipelineBenchmark.cpuMillis(db.pid()) - dbCpu;
                return String.format(Locale.ROOT, "| %d | %s | %.1f | %.1f | %.1f |", round + 1, name,
                        cpu / 1e3 / rows.size(), dbCpu * 1e3 / rows.size(), wall / 1e3 / rows.size());
            }
        }
    }
}
