package org.tidbcdc.routes.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tidbcdc.routes.canal.CanalJson;
import org.tidbcdc.routes.canal.ChangeEvent;
import org.tidbcdc.routes.canal.Op;
import org.tidbcdc.routes.canal.Source;

class ChangeLogTest {

    @Test
    void anUpdateIsOneConciseLine() {
        ChangeEvent e = ChangeEvent.builder().op(Op.UPDATE).database("app_db").table("users")
                .pk(CanalJson.MAPPER.createObjectNode().put("id", 1)).changedColumns(List.of("username"))
                .commitTs("455000614534643715").eventKey("k").source(new Source("t", 0, 0)).build();
        assertThat(e.summary())
                .isEqualTo("UPDATE app_db.users pk={id=1} changed=[username] commitTs=455000614534643715");
    }

    @Test
    void aDdlLineCarriesItsTypeAndSql() {
        ChangeEvent e = ChangeEvent.builder().op(Op.DDL).ddlType("QUERY").database("test").table("")
                .sql("drop database test").commitTs("1").eventKey("k").source(new Source("t", 0, 0)).build();
        assertThat(e.summary()).isEqualTo("DDL QUERY test commitTs=1 sql=drop database test");
    }
}
