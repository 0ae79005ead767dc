package org.tidbcdc.routes.sink;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;
import org.tidbcdc.routes.canal.ChangeEvent;

/**
 * What a sink route receives as its body: the batch's changes this sink does not hold yet, partition by partition in
 * offset order. Its elements are {@link Message}s, so {@code split: simple: ${body}} gives a custom sink one exchange
 * per change with the {@code cdc*} headers and a body that converts to the change record's JSON. Each message is
 * made on first access, for this sink and this attempt only: the built-in sinks read {@link #events()} and never pay
 * for them.
 */
public final class ChangeList extends AbstractList<Message> implements RandomAccess {

    public static final String DATABASE = "cdcDatabase";
    public static final String TABLE = "cdcTable";
    public static final String OP = "cdcOp";
    public static final String EVENT_KEY = "cdcEventKey";
    public static final String COMMIT_TS = "cdcCommitTs";
    public static final String TOPIC = "cdcTopic";
    public static final String PARTITION = "cdcPartition";
    public static final String OFFSET = "cdcOffset";

    private final CamelContext context;
    private final List<ChangeEvent> events;
    private Message[] messages;

    public ChangeList(CamelContext context, List<ChangeEvent> events) {
        this.context = context;
        this.events = events;
    }

    /** The changes themselves, for the built-in sinks' batched writers. Immutable; do not modify. */
    public List<ChangeEvent> events() {
        return events;
    }

    /**
     * The changes of the tables named, for a sink that takes only some: {@code database.table} or {@code database.*},
     * comma-separated; schema-level DDL has the table name {@code ""}. In YAML:
     * {@code setBody: {simple: "${body.only('app_db.users')}"}}.
     */
    public ChangeList only(String tables) {
        Set<String> exact = new HashSet<>();
        Set<String> databases = new HashSet<>();
        for (String t : tables.split(",")) {
            String name = t.strip();
            if (name.endsWith(".*")) {
                databases.add(name.substring(0, name.length() - 2));
            } else if (!name.isEmpty()) {
                exact.add(name);
            }
        }
        List<ChangeEvent> kept = new ArrayList<>();
        for (ChangeEvent e : events) {
            if (databases.contains(e.database()) || exact.contains(e.database() + "." + e.table())) {
                kept.add(e);
            }
        }
        return new ChangeList(context, kept);
    }

    @Override
    public int size() {
        return events.size();
    }

    @Override
    public Message get(int index) {
        if (messages == null) {
            messages = new Message[events.size()];
        }
        Message m = messages[index];
        if (m == null) {
            m = message(events.get(index));
            messages[index] = m;
        }
        return m;
    }

    private Message message(ChangeEvent e) {
        DefaultMessage m = new DefaultMessage(context);
        Map<String, Object> h = m.getHeaders();
        h.put(DATABASE, e.database());
        h.put(TABLE, e.table());
        h.put(OP, e.op().name());
        h.put(EVENT_KEY, e.eventKey());
        if (e.commitTs() != null) {
            h.put(COMMIT_TS, e.commitTs());
        }
        h.put(TOPIC, e.source().topic());
        h.put(PARTITION, e.source().partition());
        h.put(OFFSET, e.source().offset());
        // the change is immutable: converted to a String or bytes, it is the change record, as the file sink writes it
        m.setBody(e);
        return m;
    }
}
