package org.tidbcdc.routes.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void sinksKeepTheirOrderIgnoringBlanks() throws Exception {
        assertThat(settings(" log, file ,,audit", "500", "500").sinks()).containsExactly("log", "file", "audit");
        assertThat(settings("audit,kafka-per-table,log", "500", "500").sinks())
                .containsExactly("audit", "kafka-per-table", "log");
    }

    @Test
    void aSinkNameThatCannotBeARouteIdStopsStartupNamingSinksAndTheSink() {
        assertThatThrownBy(() -> settings("log,Kafka", "500", "500"))
                .hasMessageStartingWith("SINKS: sink name 'Kafka'");
        assertThatThrownBy(() -> settings("log,my sink", "500", "500"))
                .hasMessageStartingWith("SINKS: sink name 'my sink'");
    }

    @Test
    void aSinkListedTwiceStopsStartupNamingSinksAndTheSink() {
        assertThatThrownBy(() -> settings("audit,file,audit", "500", "500"))
                .hasMessage("SINKS: sink 'audit' is listed twice in 'audit,file,audit'");
    }

    @Test
    void aJdbcUrlNoDriverTakesStopsStartupNamingTheSettingButNotTheUrl() {
        assertThatThrownBy(() -> PipelineSettings.checkJdbcUrl("AUDIT_JDBC_URL",
                "jdbc:postgresql://db:5432/cdc_audit?password=s3cret"))
                .hasMessage("AUDIT_JDBC_URL: no JDBC driver of this application takes this URL; expected"
                        + " jdbc:mysql://host:port/database");
        assertThatThrownBy(() -> PipelineSettings.checkJdbcUrl("HEARTBEAT_JDBC_URL", "tidb:4000/app_db"))
                .hasMessageStartingWith("HEARTBEAT_JDBC_URL: ");
        PipelineSettings.checkJdbcUrl("AUDIT_JDBC_URL", "jdbc:mysql://tidb:4000/cdc_audit?sslMode=REQUIRED");
    }

    @Test
    void aLogLevelLog4jDoesNotKnowStopsStartupNamingLogLevel() {
        assertThatThrownBy(() -> PipelineSettings.checkLogLevel("verbose"))
                .hasMessage("LOG_LEVEL: 'verbose' is not a log level; use ERROR, WARN, INFO, DEBUG or TRACE");
        PipelineSettings.checkLogLevel("debug");
        PipelineSettings.checkLogLevel("WARN");
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

    @Test
    void durationsAreWrittenAsCamelWritesThem() {
        assertThat(PipelineSettings.positiveDuration("HEARTBEAT_INTERVAL", "5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(PipelineSettings.positiveDuration("HEARTBEAT_INTERVAL", "1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(PipelineSettings.positiveDuration("HEARTBEAT_INTERVAL", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(PipelineSettings.positiveDuration("HEARTBEAT_INTERVAL", "2000")).isEqualTo(Duration.ofSeconds(2));
        assertThat(PipelineSettings.positiveDuration("HEARTBEAT_INTERVAL", "1h2m3s500ms"))
                .isEqualTo(Duration.ofMillis(3_723_500));
        assertThat(PipelineSettings.positiveDuration("HEARTBEAT_INTERVAL", " 1d ")).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void aDurationThatIsNotPositiveStopsStartupNamingTheSetting() {
        for (String bad : new String[] {"0", "0s", "soon", "", "-5s"}) {
            assertThatThrownBy(() -> PipelineSettings.positiveDuration("HEARTBEAT_STALE_AFTER", bad)).as(bad)
                    .hasMessageStartingWith("HEARTBEAT_STALE_AFTER: expected a positive duration");
        }
    }

    @Test
    void aDurationMayBeZeroButAnUnreadableOneStopsStartupNamingTheSetting() {
        assertThat(PipelineSettings.duration("CHANGEFEED_RESUME_BACKOFF", "0s")).isEqualTo(Duration.ZERO);
        // Camel's own parser reads x, PT5S, 5S and -5s as zero, and 5s5 as 5s
        for (String bad : new String[] {"x", "ten seconds", "PT5S", "5S", "-5s", "1m 30s", "5seconds", "5s5"}) {
            assertThatThrownBy(() -> PipelineSettings.duration("CHANGEFEED_RESUME_BACKOFF", bad)).as(bad)
                    .hasMessage("CHANGEFEED_RESUME_BACKOFF: expected a duration such as 5s, 1m30s or 500ms, got '"
                            + bad + "'");
        }
    }

    @Test
    void aFlagIsTrueOrFalseAndAnythingElseStopsStartupInsteadOfReadingAsFalse() {
        assertThat(PipelineSettings.flag("CHANGEFEED_ENABLED", " TRUE")).isTrue();
        assertThat(PipelineSettings.flag("CHANGEFEED_ENABLED", "false")).isFalse();
        for (String bad : new String[] {"yes", "1", "on", ""}) {
            assertThatThrownBy(() -> PipelineSettings.flag("CHANGEFEED_ENABLED", bad)).as(bad)
                    .hasMessage("CHANGEFEED_ENABLED: expected true or false, got '" + bad + "'");
        }
    }
}
