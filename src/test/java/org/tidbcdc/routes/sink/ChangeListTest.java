package org.tidbcdc.routes.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tidbcdc.routes.canal.CanalJson;
import org.tidbcdc.routes.canal.ChangeEvent;
import org.tidbcdc.routes.canal.Op;
import org.tidbcdc.routes.canal.Source;

class ChangeListTest {

    final CamelContext context = context();

    static CamelContext context() {
        CamelContext c = new DefaultCamelContext();
        ChangeRecordConverter.register(c.getTypeConverterRegistry());
        c.start();
        return c;
    }

    @AfterEach
    void close() throws Exception {
        context.close();
    }

    static ChangeEvent change(String database, String table, Op op, String commitTs, long offset) {
        return ChangeEvent.builder().op(op).database(database).table(table).commitTs(commitTs).commitMillis(1)
                .after(CanalJson.MAPPER.createObjectNode().put("name", "Zoë ✓ 😀"))
                .eventKey("k" + offset).source(new Source("cdc", 2, offset)).build();
    }

    @Test
    void eachChangeIsAMessageWithTheCdcHeaders() {
        ChangeList list = new ChangeList(context, List.of(change("app_db", "users", Op.UPDATE, "455", 7),
                change("app_db", "", Op.DDL, null, 8)));
        Message m = list.get(0);
        assertThat(m.getHeaders()).containsEntry("cdcDatabase", "app_db").containsEntry("cdcTable", "users")
                .containsEntry("cdcOp", "UPDATE").containsEntry("cdcEventKey", "k7").containsEntry("cdcCommitTs", "455")
                .containsEntry("cdcTopic", "cdc").containsEntry("cdcPartition", 2).containsEntry("cdcOffset", 7L);
        assertThat(list.get(1).getHeaders()).doesNotContainKey("cdcCommitTs").containsEntry("cdcTable", "");
        assertThat(list.get(0)).isSameAs(m);
    }

    @Test
    void eachListMakesItsOwnMessagesSoWhatOneSinkDoesDoesNotReachTheNext() {
        List<ChangeEvent> changes = List.of(change("app_db", "users", Op.INSERT, "1", 1));
        Message first = new ChangeList(context, changes).get(0);
        first.setHeader("cdcTable", "changed");
        first.setBody("replaced");
        Message second = new ChangeList(context, changes).get(0);
        assertThat(second).isNotSameAs(first);
        assertThat(second.getHeader("cdcTable")).isEqualTo("users");
        assertThat(second.getBody()).isSameAs(changes.get(0));
    }

    @Test
    void theBodyConvertsToTheFileSinksRecordInUtf8() {
        ChangeEvent e = change("app_db", "users", Op.INSERT, "1", 1);
        Message m = new ChangeList(context, List.of(e)).get(0);
        new DefaultExchange(context).setIn(m);
        String json = m.getBody(String.class);
        assertThat(json.getBytes(StandardCharsets.UTF_8)).isEqualTo(e.jsonBytes());
        assertThat(json).contains("Zoë ✓ 😀");
        byte[] bytes = m.getBody(byte[].class);
        assertThat(bytes).isEqualTo(e.jsonBytes()).isNotSameAs(e.jsonBytes());
    }

    @Test
    void onlyKeepsTheTablesNamed() {
        ChangeList list = new ChangeList(context, List.of(change("app_db", "users", Op.INSERT, "1", 1),
                change("app_db", "orders", Op.INSERT, "1", 2), change("shop", "carts", Op.INSERT, "1", 3)));
        assertThat(list.only("app_db.users").events()).extracting(ChangeEvent::table).containsExactly("users");
        assertThat(list.only("app_db.orders, shop.*").events()).extracting(ChangeEvent::table)
                .containsExactly("orders", "carts");
    }
}
