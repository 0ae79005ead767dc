package org.tidbcdc.routes.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * Runs {@link PipelineBenchmark}. In the normal build it is a smoke run (20k records, 5 s of latency after a 2 s warm-up) that checks
 * the benchmark still works end to end; {@code mvn -Pbench verify} (scripts/bench.sh) runs the full size. The numbers
 * are printed and written to target/bench-report.md, never asserted: only that every record was drained.
 */
class PipelineBenchmarkIT {

    @Test
    void drainsEveryRecordInEveryConfigurationAndWritesTheReport() throws Exception {
        PipelineBenchmark.Options options = PipelineBenchmark.fromSystemProperties(20_000, 2, 5);
        PipelineBenchmark.Result result;
        try (PipelineBenchmark bench = new PipelineBenchmark(options)) {
            result = bench.run();
        }
        System.out.println(result.markdown());
        Path report = Path.of(System.getProperty("bench.report", "target/bench-report.md"));
        Files.writeString(report, result.markdown(), StandardCharsets.UTF_8);

        assertThat(result.records()).isEqualTo(options.records());
        if (System.getProperty("bench.base-jar") != null) {
            return; // paired runs: only their table
        }
        assertThat(result.rows()).hasSize(options.node() ? 5 : 4)
                .allSatisfy(r -> assertThat(r.records()).isEqualTo(options.records()));
    }
}
