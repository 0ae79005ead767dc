package org.tidbcdc.routes.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultMessage;
import org.junit.jupiter.api.Test;
import org.tidbcdc.routes.canal.ChangeEvent;
import org.tidbcdc.routes.canal.Op;
import org.tidbcdc.routes.canal.Source;

class KafkaPerTableTest {

    private static final Pattern KAFKA_LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    @Test
    void ordinaryNamesGiveTheTopicPrefixDatabaseTable() {
        assertThat(KafkaPerTable.topic("cdc", "app_db", "Users2")).isEqualTo("cdc.app_db.Users2");
    }

    @Test
    void namesKafkaRefusesAreEscapedAndDotsAndDashesCannotBlurTheParts() {
        assertThat(KafkaPerTable.topic("cdc", "a.b", "c")).isEqualTo("cdc.a-2Eb.c");
        assertThat(KafkaPerTable.topic("cdc", "a", "b.c")).isEqualTo("cdc.a.b-2Ec");
        assertThat(KafkaPerTable.topic("cdc", "my-db", "t$1")).isEqualTo("cdc.my-2Ddb.t-241");
        assertThat(KafkaPerTable.topic("cdc", "app", "表")).isEqualTo("cdc.app.-E8-A1-A8");
        assertThat(KafkaPerTable.topic("cdc", "app", "a b")).matches(KAFKA_LEGAL);
    }

    @Test
    void overlongTopicsAreCutTo249AndStayDistinct() {
        String a = KafkaPerTable.topic("cdc", "db", "x".repeat(300) + "a");
        String b = KafkaPerTable.topic("cdc", "db", "x".repeat(300) + "b");
        assertThat(a).hasSize(KafkaPerTable.MAX_TOPIC).matches(KAFKA_LEGAL).contains("--").isNotEqualTo(b);
        assertThat(KafkaPerTable.topic("cdc", "db", "x".repeat(242))).hasSize(249).doesNotContain("--");
    }

    @Test
    void aPrefixKafkaWouldRefuseIsNamedWithItsSetting() {
        KafkaPerTable bean = new KafkaPerTable();
        assertThatThrownBy(() -> bean.setPrefix("cdc/x")).hasMessageContaining("KAFKA_PER_TABLE_PREFIX");
        bean.setPrefix("prod.cdc");
        assertThat(bean.topic("app_db", "users")).isEqualTo("prod.cdc.app_db.users");
    }

    @Test
    void theKeyIsDatabaseTableAndThePrimaryKeyColumnsSortedByName() {
        ObjectNode pk = JsonNodeFactory.instance.objectNode();
        pk.put("tenant", "acme");
        pk.put("id", 12345678901234L);
        assertThat(KafkaPerTable.key("app_db", "orders", pk))
                .isEqualTo("{\"database\":\"app_db\",\"table\":\"orders\",\"pk\":{\"id\":12345678901234,\"tenant\":\"acme\"}}");
        assertThat(KafkaPerTable.key("app_db", "log", JsonNodeFactory.instance.objectNode()))
                .isEqualTo("{\"database\":\"app_db\",\"table\":\"log\",\"pk\":{}}");
        assertThat(KafkaPerTable.key("app_db", "", null)).isEqualTo("{\"database\":\"app_db\",\"table\":\"\"}");
    }

    @Test
    void theKeyIsTheSameFromTheChangeAndFromItsChangeRecordJson() {
        ObjectNode pk = JsonNodeFactory.instance.objectNode();
        pk.put("b", "x");
        pk.put("a", 1.50);
        ChangeEvent change = ChangeEvent.builder().op(Op.UPDATE).database("app_db").table("t").pk(pk)
                .eventKey("k").source(new Source("cdc", 0, 1)).build();
        KafkaPerTable bean = new KafkaPerTable();

        DefaultMessage asEvent = message(change);
        DefaultMessage asJson = message(change.json());

        assertThat(bean.key(asEvent)).isEqualTo(bean.key(asJson))
                .isEqualTo("{\"database\":\"app_db\",\"table\":\"t\",\"pk\":{\"a\":1.5,\"b\":\"x\"}}");
    }

    private static DefaultMessage message(Object body) {
        DefaultMessage message = new DefaultMessage(new DefaultCamelContext());
        message.setHeader("cdcDatabase", "app_db");
        message.setHeader("cdcTable", "t");
        message.setBody(body);
        return message;
    }
}
