package org.tidbcdc.routes.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tidbcdc.routes.canal.CanalDecoder;
import org.tidbcdc.routes.canal.CanalFormatException;
import org.tidbcdc.routes.canal.Source;

/** The generated records are what they claim: rows and watermarks decode, every poison record is refused. */
class CanalRecordsTest {

    private final CanalDecoder decoder = new CanalDecoder();
    private final Source source = new Source("t", 0, 0);

    @Test
    void rowsAndWatermarksDecode() {
        assertThat(decoder.decode(CanalRecords.insert("app_db", "load", 7, CanalRecords.BASE_TS + 7, "row 7"), source)
                .events()).singleElement().satisfies(e -> {
                    assertThat(e.commitTs()).isEqualTo(String.valueOf(CanalRecords.BASE_TS + 7));
                    assertThat(e.after().get("id").asLong()).isEqualTo(7);
                });
        assertThat(decoder.decode(CanalRecords.update("app_db", "load", 7, CanalRecords.BASE_TS + 9, "a", "b"), source)
                .events()).singleElement().satisfies(e -> assertThat(e.changedColumns()).containsExactly("v"));
        assertThat(decoder.decode(CanalRecords.watermark(CanalRecords.BASE_TS), source).isWatermark()).isTrue();
    }

    @Test
    void everyPoisonRecordIsAFormatError() {
        List<String> accepted = new ArrayList<>();
        for (CanalRecords.Poison p : CanalRecords.poison(700, new Random(1))) {
            try {
                decoder.decode(p.value(), source);
                accepted.add(p.kind() + ": " + new String(p.value(), 0, Math.min(p.value().length, 400),
                        StandardCharsets.ISO_8859_1));
            } catch (CanalFormatException expected) {
                // refused, as it must be
            }
        }
        assertThat(accepted).isEmpty();
        assertThatThrownBy(() -> decoder.decode(CanalRecords.hugeInvalid(5 << 20).value(), source))
                .isInstanceOf(CanalFormatException.class);
    }
}
