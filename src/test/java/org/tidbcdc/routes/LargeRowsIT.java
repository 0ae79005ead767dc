package org.tidbcdc.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.tidbcdc.routes.testsupport.CanalRecords;
import org.tidbcdc.routes.testsupport.KafkaBroker;
import org.tidbcdc.routes.testsupport.MariaDbServer;
import org.tidbcdc.routes.testsupport.PipelineParts;
import org.tidbcdc.routes.testsupport.RoutesProcess;

/**
 * A claim-check row as large as CLAIM_CHECK_MAX_BYTES allows by default, through the real routes.jar with the image's
 * JVM settings: the documented default must fit the 256 MiB heap with every sink enabled, since an OutOfMemoryError
 * would end the process on every restart at the same record.
 */
class LargeRowsIT {

    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final int DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

    @RegisterExtension
    static final PipelineParts PARTS = new PipelineParts("", "truncate table cdc_audit.change_event;");

    @TempDir
    Path dir;

    @Test
    void aClaimCheckObjectAtTheDefaultLimitReachesEverySinkInTheImagesHeap() throws Exception {
        KafkaBroker kafka = PARTS.kafka();
        MariaDbServer db = PARTS.db();
        String topic = PARTS.newTopic("large");
        Path claims = Files.createDirectories(dir.resolve("claims"));
        Path sink = Files.createDirectories(dir.resolve("sink"));

        long commitTs = CanalRecords.BASE_TS;
        String name = "6f1d2c3b-4a59-4687-9788-a9b0c1d2e3f4.json";
        // the largest value whose base64 wrapper stays within the limit
        int valueChars = (DEFAULT_MAX_BYTES - 64) / 4 * 3 - 400;
        byte[] full = CanalRecords.insert("app_db", "large", 1, commitTs, "y".repeat(valueChars));
        String object = "{\"key\":null,\"value\":\"" + Base64.getEncoder().encodeToString(full) + "\"}";
        Files.writeString(claims.resolve(name), object, StandardCharsets.US_ASCII);
        assertThat(Files.size(claims.resolve(name))).isBetween(DEFAULT_MAX_BYTES - 4096L, (long) DEFAULT_MAX_BYTES);
        ObjectNode announced = CanalRecords.row("app_db", "large", "INSERT", 1, commitTs, null, "");
        ((ObjectNode) announced.get("_tidb")).put("claimCheckLocation", "file:///claim-check/" + name);
        kafka.send(topic, 0, announced.toString());

        Map<String, String> env = RoutesProcess.pipelineEnv(kafka.bootstrapServers(), db, topic, topic + "-dlq",
                "g-" + topic, "i-" + topic, sink);
        env.put("CLAIM_CHECK_DIR", claims.toString());
        try (RoutesProcess routes = RoutesProcess.start(env, ReliabilityIT.IMAGE_JVM, dir.resolve("routes.log"))) {
            await().atMost(WAIT).until(() -> !routes.isAlive()
                    || db.queryLong("select count(*) from cdc_audit.change_event") == 1);
            assertThat(routes.isAlive()).as("alive; its log: " + dir.resolve("routes.log")).isTrue();
            assertThat(db.queryLong("select length(after_image) from cdc_audit.change_event"))
                    .isGreaterThan(valueChars);
            assertThat(db.queryLong("select key_only from cdc_audit.change_event")).isZero();
            await().atMost(WAIT).until(() -> kafka.committedOffset("g-" + topic, topic, 0) == 1);
            assertThat(Files.size(sink.resolve("app_db/large").toFile().listFiles()[0].toPath()))
                    .isGreaterThan(valueChars);
            System.out.printf("LargeRowsIT: object %,d bytes, peak RSS %,d MiB%n", Files.size(claims.resolve(name)),
                    routes.peakRssBytes() >> 20);
        }
    }
}
