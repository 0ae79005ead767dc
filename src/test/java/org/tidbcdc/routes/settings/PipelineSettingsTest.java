package org.tidbcdc.routes.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidbcdc.routes.settings.PipelineSettings.Sink;

class PipelineSettingsTest {

    @TempDir
    Path routes;

    PipelineSettings settings(String sinks, String batch, String poll) throws Exception {
        return settings(sinks, batch, poll, "2");
    }

    PipelineSettings settings(String sinks, String batch, String poll, String decodeThreads) throws Exception {
        Files.writeString(routes.resolve("a.camel.yaml"), "[]");
        return new PipelineSettings(sinks, batch, "4194304", poll, "data/sink", routes.toString(), decodeThreads);
    }

    @Test
    void sinksAreParsedCaseInsensitivelyIgnoringBlanks() throws Exception {
        assertThat(settings(" LOG, file ,,audit", "500", "500").sinks())
                .containsExactlyInAnyOrder(Sink.LOG, Sink.FILE, Sink.AUDIT);
        assertThat(settings("file", "500", "500").enabled("audit")).isFalse();
    }

    @Test
    void anUnknownSinkStopsStartupNamingSinks() {
        assertThatThrownBy(() -> settings("log,kafka", "500", "500"))
                .hasMessageContaining("SINKS").hasMessageContaining("kafka");
    }

    @Test
    void noSinkAtAllStopsStartup() {
        assertThatThrownBy(() -> settings(" , ", "500", "500")).hasMessageContaining("SINKS");
    }

    @Test
    void aBatchSizeBelowOneStopsStartupNamingTheSetting() {
        assertThatThrownBy(() -> settings("log", "0", "500")).hasMessageContaining("AUDIT_BATCH_SIZE");
        assertThatThrownBy(() -> settings("log", "many", "500")).hasMessageContaining("AUDIT_BATCH_SIZE");
        assertThatThrownBy(() -> settings("log", "500", "-1")).hasMessageContaining("CDC_MAX_POLL_RECORDS");
    }

    @Test
    void decodeThreadsBelowOneStopStartupNamingTheSetting() throws Exception {
        assertThatThrownBy(() -> settings("log", "500", "500", "0")).hasMessageContaining("DECODE_THREADS");
        assertThat(settings("log", "500", "500", "1").decodeThreads()).isEqualTo(1);
    }

    @Test
    void aMissingOrEmptyRoutesFolderStopsStartupNamingRoutesDir() {
        assertThatThrownBy(() -> PipelineSettings.checkRoutesDir(routes.resolve("nope").toString()))
                .hasMessageContaining("ROUTES_DIR").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> PipelineSettings.checkRoutesDir(routes.toString()))
                .hasMessageContaining("ROUTES_DIR").hasMessageContaining("no *.camel.yaml");
    }

}
