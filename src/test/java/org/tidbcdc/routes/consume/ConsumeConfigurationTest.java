package org.tidbcdc.routes.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.tidbcdc.routes.canal.ChangeEvent;
import org.tidbcdc.routes.canal.Op;
import org.tidbcdc.routes.canal.Source;

class ConsumeConfigurationTest {

    private final AtomicInteger hashed = new AtomicInteger();

    private ChangeEvent change() {
        return ChangeEvent.builder().op(Op.INSERT).database("app_db").table("t")
                .eventKey(() -> {
                    hashed.incrementAndGet();
                    return "k";
                })
                .source(new Source("cdc", 0, 7)).build();
    }

    @Test
    void theLogSinkAloneNeverHashesTheEventKey() {
        ChangeEvent e = change();

        ConsumeConfiguration.rendering(List.of("log")).accept(e);

        assertThat(hashed).hasValue(0);
        assertThat(e.summary()).startsWith("INSERT app_db.t");
        assertThat(hashed).hasValue(0);
    }

    @Test
    void everyOtherSinkHasTheEventKeyHashedOnceWhileDecoding() {
        for (List<String> sinks : List.of(List.of("audit"), List.of("file"), List.of("webhook", "log"))) {
            hashed.set(0);
            ChangeEvent e = change();

            ConsumeConfiguration.rendering(sinks).accept(e);

            assertThat(hashed).as("%s", sinks).hasValue(1);
            assertThat(e.eventKey()).isEqualTo("k");
            assertThat(hashed).as("%s, asked again", sinks).hasValue(1);
        }
    }
}
