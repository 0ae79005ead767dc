package org.tidbcdc.routes.observe;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.tidbcdc.routes.canal.ChangeEvent;
import org.tidbcdc.routes.canal.Op;

/**
 * The table heartbeat rows go into ({@code HEARTBEAT_TABLE}, {@code database.table}): which changes are heartbeats,
 * and the row this instance writes. Each instance keeps one row, keyed by a hash of its instance id, so instances never
 * overwrite each other and the table stays as small as the number of instances.
 */
public final class HeartbeatTable {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_$]+");
    /** DATETIME(3) as text in UTC, so no driver or session time zone can shift it. */
    private static final DateTimeFormatter BEAT_AT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private final String database;
    private final String table;
    private final String instance;
    private final int id;
    private final Clock clock;

    public HeartbeatTable(String qualifiedName, String instance, Clock clock) {
        String[] parts = qualifiedName == null ? new String[0] : qualifiedName.strip().split("\\.", -1);
        if (parts.length != 2 || !NAME.matcher(parts[0]).matches() || !NAME.matcher(parts[1]).matches()) {
            throw new IllegalArgumentException("HEARTBEAT_TABLE: expected database.table of letters, digits and _, got '"
                    + qualifiedName + "'");
        }
        this.database = parts[0];
        this.table = parts[1];
        this.instance = instance;
        // String.hashCode is specified by the JLS, so a restarted instance finds its own row again
        this.id = instance.hashCode() & Integer.MAX_VALUE;
        this.clock = clock;
    }

    /** A row change of the heartbeat table; DDL on it is a real schema change and goes to the sinks. */
    public boolean isHeartbeat(ChangeEvent e) {
        return e.op() != Op.DDL && table.equals(e.table()) && database.equals(e.database());
    }

    /** The changes without heartbeat rows, which are counted but never written to a sink. */
    public List<ChangeEvent> strip(List<ChangeEvent> changes) {
        int i = 0;
        while (i < changes.size() && !isHeartbeat(changes.get(i))) {
            i++;
        }
        if (i == changes.size()) {
            return changes;
        }
        List<ChangeEvent> kept = new ArrayList<>(changes.size() - 1);
        for (ChangeEvent e : changes) {
            if (!isHeartbeat(e)) {
                kept.add(e);
            }
        }
        return kept;
    }

    /** The parameters of this instance's next heartbeat write. */
    public Map<String, Object> row() {
        return Map.of("id", id, "beat_at", BEAT_AT.format(clock.instant()), "instance", instance);
    }

    public String qualifiedName() {
        return database + "." + table;
    }
}
