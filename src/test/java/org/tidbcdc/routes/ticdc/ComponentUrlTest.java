package org.tidbcdc.routes.ticdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ComponentUrlTest {

    @Test
    void oneBaseUrlIsKeptWithoutItsTrailingSlash() {
        assertThat(ComponentUrl.of("PD_URL", "http://pd:2379")).containsExactly("http://pd:2379");
        assertThat(ComponentUrl.of("PD_URL", " https://pd-0.pd.tidb.svc:2379/ "))
                .containsExactly("https://pd-0.pd.tidb.svc:2379");
    }

    @Test
    void aListAsTiCdcsPdFlagTakesItKeepsItsOrder() {
        assertThat(ComponentUrl.of("PD_URL", "http://pd1:2379, http://pd2:2379/,http://10.0.0.3:2379"))
                .containsExactly("http://pd1:2379", "http://pd2:2379", "http://10.0.0.3:2379");
    }

    @Test
    void whatIsNoBaseUrlIsRefusedNamingTheSetting() {
        for (String bad : new String[] {"pd:2379", "tcp://pd:2379", "http://pd:2379/pd/api/v1", "http://pd:2379?x=1",
                "http:///2379", ""}) {
            assertThatThrownBy(() -> ComponentUrl.of("TICDC_URL", bad)).as(bad)
                    .hasMessageStartingWith("TICDC_URL: '" + bad + "' is not an http:// or https:// URL");
        }
        assertThatThrownBy(() -> ComponentUrl.of("PD_URL", "http://pd1:2379,,http://pd2:2379"))
                .hasMessageStartingWith("PD_URL: '' is not");
        assertThatThrownBy(() -> ComponentUrl.of("PD_URL", "http://pd1:2379,http://user:secret@pd:2379"))
                .hasMessageStartingWith("PD_URL: (a URL with credentials) is not")
                .hasMessageNotContaining("secret");
    }
}
