package org.tidbcdc.routes.sink;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tidbcdc.routes.canal.ChangeEvent;
import org.tidbcdc.routes.canal.Op;

/**
 * The log sink: one concise INFO line per change on the {@code cdc.change} logger, the full record at DEBUG. The
 * logger is asynchronous (log4j2.xml), so logging does not hold up the consumer thread.
 */
public final class ChangeLog {

    private static final Logger LOG = LoggerFactory.getLogger("cdc.change");

    public void log(List<ChangeEvent> events) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        boolean debug = LOG.isDebugEnabled();
        for (ChangeEvent e : events) {
            LOG.info(line(e));
            if (debug) {
                LOG.debug(e.json());
            }
        }
    }

    static String line(ChangeEvent e) {
        StringBuilder b = new StringBuilder(160);
        if (e.op() == Op.DDL) {
            b.append("DDL ").append(e.ddlType()).append(' ').append(e.database());
            if (!e.table().isEmpty()) {
                b.append('.').append(e.table());
            }
            b.append(" commitTs=").append(e.commitTs()).append(" sql=").append(e.sql());
            return b.toString();
        }
        b.append(e.op()).append(' ').append(e.database()).append('.').append(e.table()).append(" pk={");
        var fields = e.pk() == null ? java.util.Collections.<java.util.Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>>emptyIterator() : e.pk().fields();
        for (String sep = ""; fields.hasNext(); sep = ", ") {
            var f = fields.next();
            b.append(sep).append(f.getKey()).append('=').append(f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString());
        }
        b.append('}');
        if (e.changedColumns() != null) {
            b.append(" changed=").append(e.changedColumns());
        }
        b.append(" commitTs=").append(e.commitTs());
        if (e.keyOnly()) {
            b.append(" keyOnly=true");
        }
        if (e.claimCheckLocation() != null) {
            b.append(" claimCheck=").append(e.claimCheckLocation());
        }
        return b.toString();
    }
}
