package org.tidbcdc.routes.canal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.junit.jupiter.api.Test;

/** The column types held per table: reused while records repeat them in any key order, replaced when they change. */
class TableSchemasTest {

    private final TableSchemas schemas = new TableSchemas();

    private TableSchemas.Schema read(String table, String mysqlType) throws Exception {
        try (JsonParser p = CanalJson.MAPPER.getFactory().createParser(mysqlType)) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            TableSchemas.Schema schema = schemas.read(p, "app_db", table);
            assertThat(p.currentToken()).isEqualTo(JsonToken.END_OBJECT);
            return schema;
        }
    }

    @Test
    void theSameTypesInAnotherKeyOrderAreTheHeldSchema() throws Exception {
        TableSchemas.Schema first = read("t", "{\"id\":\"bigint\",\"name\":\"varchar\",\"flags\":\"bit\"}");
        TableSchemas.Schema again = read("t", "{\"flags\":\"bit\",\"id\":\"bigint\",\"name\":\"varchar\"}");
        assertThat(again).isSameAs(first);
        assertThat(again.type("id").kind()).isEqualTo(ColumnType.Kind.INTEGER);
        assertThat(again.type("flags").kind()).isEqualTo(ColumnType.Kind.BIT);
        assertThat(again.type("missing")).isNull();
    }

    @Test
    void aChangedTypeAnAddedOrADroppedColumnReplacesTheHeldSchema() throws Exception {
        TableSchemas.Schema first = read("t", "{\"id\":\"int\",\"name\":\"varchar\"}");
        TableSchemas.Schema retyped = read("t", "{\"id\":\"bigint\",\"name\":\"varchar\"}");
        assertThat(retyped).isNotSameAs(first);
        assertThat(retyped.type("id").bits()).isEqualTo(64);
        TableSchemas.Schema added = read("t", "{\"id\":\"bigint\",\"name\":\"varchar\",\"note\":\"text\"}");
        assertThat(added.type("note")).isNotNull();
        TableSchemas.Schema dropped = read("t", "{\"id\":\"bigint\"}");
        assertThat(dropped.type("name")).isNull();
        assertThat(read("t", "{\"id\":\"bigint\"}")).isSameAs(dropped);
        assertThat(schemas.size()).isEqualTo(1);
    }

    @Test
    void aRepeatedColumnCountsOnceWithItsLastTypeAsInJacksonsTree() throws Exception {
        read("t", "{\"id\":\"int\",\"name\":\"varchar\"}");
        TableSchemas.Schema repeated = read("t", "{\"id\":\"int\",\"name\":\"varchar\",\"id\":\"json\"}");
        assertThat(repeated.type("id").kind()).isEqualTo(ColumnType.Kind.JSON);
        TableSchemas.Schema nulled = read("t", "{\"id\":\"int\",\"id\":null}");
        assertThat(nulled.type("id")).isNull();
    }

    @Test
    void aTypeThatIsNotAStringIsLeftToTheTreeDecoder() {
        assertThatThrownBy(() -> read("t", "{\"id\":7}")).isInstanceOf(TableSchemas.NotStrings.class);
    }

    @Test
    void moreTablesThanTheBoundStartTheCacheOver() throws Exception {
        for (int i = 0; i <= TableSchemas.LIMIT; i++) {
            read("t" + i, "{\"id\":\"int\"}");
            assertThat(schemas.size()).isLessThanOrEqualTo(TableSchemas.LIMIT);
        }
        assertThat(schemas.size()).isEqualTo(1);
    }

    @Test
    void tablesOfTheSameNameInTwoDatabasesAreHeldApart() throws IOException, TableSchemas.NotStrings {
        try (JsonParser a = CanalJson.MAPPER.getFactory().createParser("{\"id\":\"int\"}");
             JsonParser b = CanalJson.MAPPER.getFactory().createParser("{\"id\":\"json\"}")) {
            a.nextToken();
            b.nextToken();
            assertThat(schemas.read(a, "one", "t").type("id").kind()).isEqualTo(ColumnType.Kind.INTEGER);
            assertThat(schemas.read(b, "two", "t").type("id").kind()).isEqualTo(ColumnType.Kind.JSON);
        }
        assertThat(schemas.size()).isEqualTo(2);
    }
}
