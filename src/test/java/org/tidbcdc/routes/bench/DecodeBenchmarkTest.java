package org.tidbcdc.routes.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.tidbcdc.routes.canal.CanalDecoder;
import org.tidbcdc.routes.canal.CanalJson;
import org.tidbcdc.routes.canal.ChangeEvent;
import org.tidbcdc.routes.canal.ClaimCheckStore;
import org.tidbcdc.routes.canal.ValueCompression;
import org.tidbcdc.routes.canal.Source;

/**
 * The decoding stages alone, on the pipeline benchmark's records, in one thread: CPU time and heap allocated per
 * record. It answers what the pipeline benchmark cannot: which stage a change to the decoder made cheaper. CI runs it
 * on 2,000 records and asserts nothing about the numbers; docs/performance.md gives the command for a full run.
 */
class DecodeBenchmarkTest {

    private static final int RECORDS = Integer.getInteger("bench.decode.records", 2_000);
    private static final int ROUNDS = Integer.getInteger("bench.decode.rounds", 2);

    private final CanalDecoder decoder = new CanalDecoder();
    private final CanalDecoder treeDecoder = CanalDecoder.treeOnly(ClaimCheckStore.NONE, ValueCompression.NONE);

    @Test
    void measuresEachDecodingStageOnTheBenchmarkRecords() throws IOException {
        CanalRecordGenerator generator = new CanalRecordGenerator(42, 1_735_689_600_000L, 3, 1000);
        List<byte[]> records = new ArrayList<>(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            records.add(generator.next().value());
        }
        List<String> rows = new ArrayList<>();
        rows.add(stage("Jackson tree parse (what the raw baseline does)", records,
                v -> CanalJson.MAPPER.readTree(v).size()));
        rows.add(stage("decode from Jackson's tree (the decoder before the streaming one)", records,
                v -> treeDecoder.decode(v, new Source("bench", 0, 0)).events().size()));
        rows.add(stage("decode (strict UTF-8, streaming parse, typed images; no event key)", records,
                v -> decode(v).size()));
        rows.add(stage("decode, then the file record (SINKS=log,file: the record hashes the key, renders the images)", records,
                v -> decode(v).stream().mapToLong(e -> e.jsonBytes().length).sum()));
        rows.add(stage("decode, then the audit row's images, then the file record (all sinks)", records,
                v -> decode(v).stream().mapToLong(e -> images(e) + e.jsonBytes().length).sum()));

        String report = String.format(Locale.ROOT, "Decoding stages, %,d records, median of %d rounds after %d "
                + "warm-up rounds, one thread%n%n| stage | µs per record | CPU µs per record | bytes allocated per record |%n"
                + "|---|--:|--:|--:|%n", RECORDS, ROUNDS, ROUNDS) + String.join("\n", rows) + "\n";
        System.out.println(report);
        Files.writeString(Path.of("target", "decode-bench.md"), report, StandardCharsets.UTF_8);
        assertThat(rows).hasSize(5);
    }

    private List<ChangeEvent> decode(byte[] value) {
        return decoder.decode(value, new Source("bench", 0, 0)).events();
    }

    private static long images(ChangeEvent e) {
        return length(e.pkJson()) + length(e.beforeJson()) + length(e.afterJson()) + length(e.changedColumnsJson());
    }

    private static long length(String s) {
        return s == null ? 0 : s.length();
    }

    /** Warms the stage up, then reports the median time and allocation of a round. */
    private static String stage(String name, List<byte[]> records, Stage work) throws IOException {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] nanos = new long[ROUNDS];
        long[] cpu = new long[ROUNDS];
        long[] bytes = new long[ROUNDS];
        long output = 0;
        for (int round = -ROUNDS; round < ROUNDS; round++) {
            long allocated = threads.getCurrentThreadAllocatedBytes();
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            for (byte[] value : records) {
                output += work.run(value);
            }
            long took = System.nanoTime() - start;
            if (round >= 0) {
                nanos[round] = took;
                cpu[round] = threads.getCurrentThreadCpuTime() - cpuStart;
                bytes[round] = threads.getCurrentThreadAllocatedBytes() - allocated;
            }
        }
        assertThat(output).as(name + " produced output").isPositive();
        return String.format(Locale.ROOT, "| %s | %.2f | %.2f | %,d |", name,
                median(nanos) / 1e3 / records.size(), median(cpu) / 1e3 / records.size(),
                median(bytes) / records.size());
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    @FunctionalInterface
    private interface Stage {
        long run(byte[] value) throws IOException;
    }
}
