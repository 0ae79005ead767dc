package org.tidbcdc.routes.sink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tidbcdc.routes.canal.CanalJson;
import org.tidbcdc.routes.canal.ChangeEvent;
import org.tidbcdc.routes.canal.Source;

/**
 * The newest lines the file sink held when the process started, kept by {@code eventKey} so that a batch which was
 * appended just before a crash, but whose offsets were never committed, is not appended again when Kafka hands it
 * out after the restart.
 *
 * <p>Only lines that can come back are kept: per partition, those within a window of offsets below the partition's
 * newest line. The window is two batches: the batch in flight, and the one before it when its commit failed and the
 * consumer had already gone on (see DeliveredRecords); every older line belongs to a committed batch, which Kafka
 * never hands out again. The last process's uncommitted lines were the last ones it wrote to every file they are in,
 * so the files written in the {@link #RECENT} before the newest are read backwards from their end, each only until
 * its first line below the window. Lines that an earlier process left uncommitted can be further back, when the
 * process after it died before its partition came round again; so the positions of every line kept are written to
 * {@link #KEPT} at startup, and read again (and checked against the file) at the next.
 *
 * <p>A change is matched by its {@code eventKey}, and only against a line that is in the file, so a change the file
 * does not hold is never left out; a line kept that never comes back costs only memory, and is forgotten once its
 * partition has been written past it.
 */
final class TailAtStart {

    /** The positions of the lines kept, under the sink folder; not a {@code .jsonl} file, so never taken for one. */
    static final String KEPT = ".file-sink-tail";
    /** The files a crashed batch appended to were all written within one call, seconds at most before the newest. */
    static final Duration RECENT = Duration.ofMinutes(10);
    /**
     * Each line's start is searched backwards from its end, and the search reads this much at a time: a chunk much
     * larger than a line would be read again for every line it holds. A longer line takes more reads.
     */
    private static final int LINE_SEARCH_BYTES = 8 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(TailAtStart.class);

    private final Map<String, Line> changes = new HashMap<>();
    private final long window;

    private record Partition(String topic, int partition) {
        static Partition of(Source s) {
            return new Partition(s.topic(), s.partition());
        }
    }

    private TailAtStart(long window) {
        this.window = window;
    }

    static TailAtStart empty() {
        return new TailAtStart(0);
    }

    /**
     * Reads what {@link #KEPT} points to under {@code root} and the newest lines of the recent ones among
     * {@code files}, {@code window} offsets per partition, and writes the positions of what it keeps to {@link #KEPT}.
     */
    static TailAtStart recover(Path root, List<Path> files, int window) throws IOException {
        TailAtStart tail = new TailAtStart(window);
        Map<Partition, Long> newest = new HashMap<>();
        ByteBuffer chunk = ByteBuffer.allocate(LINE_SEARCH_BYTES);
        tail.readKept(root, newest);
        for (Path file : recent(files)) {
            tail.readBackwards(file, newest, chunk);
        }
        // a file read early may have kept lines older than another file's newest ones showed to matter
        tail.changes.values().removeIf(l -> l.source.offset() <= newest.get(Partition.of(l.source)) - window);
        try {
            tail.keep(root);
        } catch (IOException e) {
            // the sink folder may be read-only for now, which its health check reports; only a second crash before
            // these lines come back would then repeat them
            LOG.warn("Could not write {}: {}", root.resolve(KEPT), e.toString());
        }
        return tail;
    }

    /** The files written in the {@link #RECENT} before the newest one, newest first. */
    private static List<Path> recent(List<Path> files) throws IOException {
        if (files.isEmpty()) {
            return files;
        }
        Map<Path, FileTime> modified = new HashMap<>();
        for (Path f : files) {
            modified.put(f, Files.getLastModifiedTime(f));
        }
        List<Path> sorted = new ArrayList<>(files);
        sorted.sort(Comparator.comparing(modified::get, Comparator.reverseOrder()));
        List<Path> recent = new ArrayList<>();
        for (Path f : sorted) {
            if (modified.get(f).toMillis() < modified.get(sorted.get(0)).toMillis() - RECENT.toMillis()) {
                break;
            }
            recent.add(f);
        }
        return recent;
    }

    private void readBackwards(Path file, Map<Partition, Long> newest, ByteBuffer chunk) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long end = ch.size() - 1; // the newline that ends the last line (a torn tail was cut off before)
            Map<Partition, Long> newestHere = new HashMap<>();
            while (end > 0) {
                long start = TornTail.lastNewlineBefore(ch, end, chunk) + 1;
                Line line = Line.parse(file, start, read(ch, start, end));
                end = start - 1;
                if (line == null) {
                    continue; // not a change record: nothing to match it against
                }
                Partition p = Partition.of(line.source);
                long here = newestHere.computeIfAbsent(p, k -> line.source.offset());
                long top = Math.max(here, newest.getOrDefault(p, Long.MIN_VALUE));
                if (line.source.offset() <= top - window) {
                    break; // every line before it is older still
                }
                changes.putIfAbsent(line.eventKey, line);
            }
            newestHere.forEach((p, offset) -> newest.merge(p, offset, Math::max));
        }
    }

    /** The lines {@link #KEPT} points to that are still in their files, as they were. */
    private void readKept(Path root, Map<Partition, Long> newest) throws IOException {
        Path kept = root.resolve(KEPT);
        if (!Files.isRegularFile(kept)) {
            return;
        }
        Map<Path, List<long[]>> positions = new LinkedHashMap<>();
        for (String entry : Files.readAllLines(kept, StandardCharsets.UTF_8)) {
            String[] f = entry.split("\t");
            try {
                Path file = root.resolve(f[0]).normalize();
                long[] span = {Long.parseLong(f[1]), Long.parseLong(f[2])};
                if (f.length == 3 && file.startsWith(root) && 0 <= span[0] && span[0] <= span[1]) {
                    positions.computeIfAbsent(file, k -> new ArrayList<>()).add(span);
                }
            } catch (RuntimeException e) {
                LOG.debug("not a position in {}: {}", kept, entry);
            }
        }
        for (Map.Entry<Path, List<long[]>> file : positions.entrySet()) {
            if (!Files.isRegularFile(file.getKey())) {
                continue;
            }
            try (FileChannel ch = FileChannel.open(file.getKey(), StandardOpenOption.READ)) {
                for (long[] span : file.getValue()) {
                    Line line = span[1] < ch.size() ? Line.parse(file.getKey(), span[0], read(ch, span[0], span[1]))
                            : null;
                    if (line != null) {
                        changes.putIfAbsent(line.eventKey, line);
                        newest.merge(Partition.of(line.source), line.source.offset(), Math::max);
                    }
                }
            }
        }
    }

    /** Writes the positions of the lines kept to {@link #KEPT}, whole or not at all. */
    private void keep(Path root) throws IOException {
        Path kept = root.resolve(KEPT);
        if (changes.isEmpty()) {
            Files.deleteIfExists(kept);
            return;
        }
        StringBuilder b = new StringBuilder();
        changes.values().stream().sorted(Comparator.comparing((Line l) -> l.file).thenComparingLong(l -> l.start))
                .forEach(l -> b.append(root.relativize(l.file)).append('\t').append(l.start).append('\t')
                        .append(l.start + l.length).append('\n'));
        Path next = root.resolve(KEPT + ".next");
        Files.writeString(next, b, StandardCharsets.UTF_8);
        Files.move(next, kept, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static byte[] read(FileChannel ch, long start, long end) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate((int) (end - start));
        TornTail.readFully(ch, bytes, start);
        return bytes.array();
    }

    boolean isEmpty() {
        return changes.isEmpty();
    }

    int size() {
        return changes.size();
    }

    /** Whether the file held this change at startup. */
    boolean holds(ChangeEvent e) {
        return changes.containsKey(e.eventKey());
    }

    /** Forgets the lines Kafka will not hand out again: those at or before what a batch just written reached. */
    void passed(List<ChangeEvent> written) {
        Map<Partition, Long> reached = new HashMap<>();
        for (ChangeEvent e : written) {
            reached.merge(Partition.of(e.source()), e.source().offset(), Math::max);
        }
        changes.values().removeIf(l -> l.source.offset() <= reached.getOrDefault(Partition.of(l.source),
                Long.MIN_VALUE));
    }

    /** One change record: the two fields this needs, and where it is. */
    private record Line(String eventKey, Source source, Path file, long start, int length) {

        /** Null when the bytes are not a change record with both fields. */
        static Line parse(Path file, long start, byte[] json) {
            String eventKey = null;
            String topic = null;
            int partition = -1;
            long offset = -1;
            try (JsonParser p = CanalJson.MAPPER.getFactory().createParser(json)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return null;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if (field.equals("eventKey") && value == JsonToken.VALUE_STRING) {
                        eventKey = p.getText();
                    } else if (field.equals("source") && value == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String name = p.currentName();
                            JsonToken v = p.nextToken();
                            switch (name) {
                                case "topic" -> topic = v == JsonToken.VALUE_STRING ? p.getText() : null;
                                case "partition" -> partition = v == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : -1;
                                case "offset" -> offset = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                                default -> p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
            } catch (IOException e) {
                return null; // a line edited by hand, say: it matches no change
            }
            return eventKey == null || topic == null || partition < 0 || offset < 0
                    ? null : new Line(eventKey, new Source(topic, partition, offset), file, start, json.length);
        }
    }
}
