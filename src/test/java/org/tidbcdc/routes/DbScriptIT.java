package org.tidbcdc.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tidbcdc.routes.testsupport.MariaDbServer;

/**
 * db_script/*.sql as the stack's db-init service applies them: in name order, twice, on a real MariaDB. The second
 * run must change nothing, and rows edited between runs keep their edits.
 */
class DbScriptIT {

    private static MariaDbServer db;

    @BeforeAll
    static void applyTwice() {
        db = MariaDbServer.start();
        db.applyDbScripts();
        db.applyDbScripts();
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void createsTheDemoTablesWithTheirColumns() {
        assertEquals(List.of("id", "username", "email", "created_at", "updated_at"), columns("app_db", "users"));
        assertEquals(List.of("id", "user_id", "token", "expires_at", "created_at"), columns("app_db", "user_tokens"));
        assertEquals(List.of("id", "beat_at", "instance"), columns("app_db", "cdc_heartbeat"));
        assertEquals(1, db.queryLong("select count(*) from information_schema.statistics where table_schema = 'app_db'"
                + " and table_name = 'user_tokens' and column_name = 'user_id' and seq_in_index = 1"),
                "user_tokens.user_id is indexed");
        assertEquals("auto_increment", db.query("select extra from information_schema.columns where table_schema = "
                + "'app_db' and table_name = 'users' and column_name = 'id'").get(0).get(0).toLowerCase());
    }

    @Test
    void createsTheAuditTable() {
        assertTrue(columns("cdc_audit", "change_event").contains("event_key"));
    }

    @Test
    void seedsUserOneOnceAndKeepsEditsOnARerun() {
        assertEquals(3, db.queryLong("select count(*) from app_db.users"));
        assertEquals(2, db.queryLong("select count(*) from app_db.user_tokens"));
        assertEquals(1, db.queryLong("select count(*) from app_db.users where id = 1"));

        // the Quick start's statement changes a row ...
        db.executeScript("update app_db.users set username = 'sagi' where id = 1;");
        assertEquals(1, db.queryLong("select count(*) from app_db.users where id = 1 and username = 'sagi'"));

        // ... and a further run of the scripts neither reverts it nor duplicates anything
        db.applyDbScripts();
        assertEquals(1, db.queryLong("select count(*) from app_db.users where id = 1 and username = 'sagi'"));
        assertEquals(3, db.queryLong("select count(*) from app_db.users"));
        assertEquals(2, db.queryLong("select count(*) from app_db.user_tokens"));
        assertEquals(0, db.queryLong("select count(*) from cdc_audit.change_event"));
    }

    @Test
    void newRowsGetIdsAfterTheSeeds() {
        db.executeScript("insert into app_db.users (username, email) values ('dave', 'dave@example.com');");
        assertTrue(db.queryLong("select max(id) from app_db.users where username = 'dave'") > 3);
        db.executeScript("delete from app_db.users where username = 'dave';");
    }

    private static List<String> columns(String schema, String table) {
        return db.query("select column_name from information_schema.columns where table_schema = '" + schema
                + "' and table_name = '" + table + "' order by ordinal_position").stream().map(r -> r.get(0))
                .map(String::toLowerCase).toList();
    }
}
