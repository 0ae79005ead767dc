package org.tidbcdc.routes.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the JSON Lines file sink holds under a folder: every line, counted by {@code eventKey}. A line that repeats an
 * earlier one's key is a duplicate (what a replay leaves); a duplicate that differs from the first line with that key
 * in anything but {@code source} (where it was read from) is a conflict, and a line that is not JSON is torn.
 */
public final class FileSinkScan {

    private static final ObjectMapper JSON = new ObjectMapper();

    private long lines;
    private long torn;
    private long conflicts;
    private final Map<String, Integer> hashByKey = new HashMap<>();
    private final Set<String> commitTs = new HashSet<>();
    private final List<Path> files = new ArrayList<>();

    private FileSinkScan() {
    }

    public static FileSinkScan of(Path dir) {
        return of(dir, line -> { });
    }

    /** Scans every {@code .jsonl} file under {@code dir}, handing each parsed line to {@code each} too. */
    public static FileSinkScan of(Path dir, Consumer<JsonNode> each) {
        FileSinkScan scan = new FileSinkScan();
        if (!Files.isDirectory(dir)) {
            return scan;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(p -> p.toString().endsWith(".jsonl") && Files.isRegularFile(p)).sorted()
                    .forEach(scan.files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path f : scan.files) {
            try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                for (String text = r.readLine(); text != null; text = r.readLine()) {
                    scan.add(text, each);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return scan;
    }

    private void add(String text, Consumer<JsonNode> each) {
        lines++;
        JsonNode line;
        try {
            line = JSON.readTree(text);
        } catch (IOException e) {
            torn++;
            return;
        }
        String key = line.path("eventKey").asText();
        int hash = ((ObjectNode) line.deepCopy()).without("source").toString().hashCode();
        Integer first = hashByKey.putIfAbsent(key, hash);
        if (first != null && first != hash) {
            conflicts++;
        }
        commitTs.add(line.path("commitTs").asText());
        each.accept(line);
    }

    public long lines() {
        return lines;
    }

    /** Lines that are not JSON: a torn line that was not cut off. */
    public long torn() {
        return torn;
    }

    public long distinctKeys() {
        return hashByKey.size();
    }

    /** Lines beyond the first of their eventKey. */
    public long duplicateLines() {
        return lines - torn - distinctKeys();
    }

    /** Duplicate lines that differ from the first line of their eventKey in more than {@code source}. */
    public long conflicts() {
        return conflicts;
    }

    /** The commitTs of every line, as the digits the sink writes. */
    public Set<String> commitTs() {
        return commitTs;
    }

    public List<Path> files() {
        return files;
    }
}
