package org.tidbcdc.routes.sink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tidbcdc.routes.canal.ChangeEvent;

/**
 * Appends change records as JSON Lines to {@code <dir>/<database>/<table>/<yyyy-MM-dd>.jsonl}, dated by the commit
 * date in UTC.
 *
 * <p>A batch is appended whole or not at all: on a write error every file it touched is cut back to its length before
 * the batch, so a retry never leaves a torn line in the middle of a file. Lines are handed to the OS before
 * {@link #write} returns, which is before the batch's offsets are committed. A crash can still tear the last line
 * (the OS had part of it), or come between the write and the commit; {@link #recoverAtStart} cuts such a line off,
 * and remembers the newest lines, so that the batch Kafka then hands out again is not appended a second time.
 */
public final class JsonLinesSink implements AutoCloseable {

    static final String SCHEMA_LEVEL = "_database";
    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesSink.class);
    private static final int MAX_OPEN_FILES = 64;
    private static final int BUFFER_BYTES = 256 * 1024;

    private final Path root;
    private final Map<Path, FileChannel> open = new LinkedHashMap<>(16, 0.75f, true);
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private TailAtStart tailAtStart = TailAtStart.empty();

    public JsonLinesSink(Path root) {
        this.root = realPath(root.toAbsolutePath().normalize());
    }

    /**
     * The startup scan walks the folder, and a walk does not enter a start folder that is a symbolic link: behind one,
     * a torn line was not cut off (the next append joined it) and a batch that comes back was appended again.
     */
    private static Path realPath(Path root) {
        try {
            return Files.isDirectory(root) ? root.toRealPath() : root;
        } catch (IOException e) {
            return root; // unreadable: the health check and the first write report it
        }
    }

    public Path root() {
        return root;
    }

    /** The file a change goes to; always inside the sink folder, whatever the names in the message. */
    public Path fileFor(ChangeEvent e) {
        String table = e.table().isEmpty() ? SCHEMA_LEVEL : SafeName.of(e.table());
        LocalDate day = LocalDate.ofInstant(e.commitTime(), ZoneOffset.UTC);
        Path file = root.resolve(SafeName.of(e.database())).resolve(table).resolve(day + ".jsonl").normalize();
        if (!file.startsWith(root)) {
            throw new IllegalStateException("refusing to write outside " + root + ": " + file);
        }
        return file;
    }

    /** The file sink route's step: appends the changes its route received (see {@link #write}). */
    public void append(ChangeList changes) throws IOException {
        write(changes.events());
    }

    /**
     * Appends every change of the batch, in order, and hands the bytes to the OS; a change the file held when the
     * process started is left out.
     */
    public synchronized void write(List<ChangeEvent> events) throws IOException {
        Map<FileChannel, Long> startLengths = new LinkedHashMap<>();
        int held = 0;
        try {
            FileChannel current = null;
            for (ChangeEvent e : events) {
                if (!tailAtStart.isEmpty() && tailAtStart.holds(e)) {
                    held++;
                    continue;
                }
                FileChannel ch = channel(fileFor(e));
                if (ch != current) {
                    drain(current);
                    current = ch;
                    startLengths.putIfAbsent(ch, ch.size());
                }
                appendLine(ch, e.jsonBytes());
            }
            drain(current);
        } catch (IOException | RuntimeException ex) {
            buffer.clear();
            undo(startLengths);
            throw ex;
        }
        if (!tailAtStart.isEmpty()) {
            tailAtStart.passed(events);
        }
        if (held > 0) {
            LOG.warn("Not appended again: {} of {} changes, which the file sink held when this process started (a "
                    + "batch written before the last stop whose offsets were not committed, or a replay)", held,
                    events.size());
        }
    }

    /** Appends the JSON and a newline; the buffer is drained first if they do not fit, and bypassed if too big. */
    private void appendLine(FileChannel ch, byte[] json) throws IOException {
        if (json.length + 1 > buffer.remaining()) {
            drain(ch);
        }
        if (json.length + 1 > buffer.capacity()) {
            ByteBuffer big = ByteBuffer.wrap(json);
            while (big.hasRemaining()) {
                ch.write(big);
            }
        } else {
            buffer.put(json);
        }
        buffer.put((byte) '\n');
    }

    private void drain(FileChannel ch) throws IOException {
        if (ch == null) {
            return;
        }
        buffer.flip();
        while (buffer.hasRemaining()) {
            ch.write(buffer);
        }
        buffer.clear();
    }

    private void undo(Map<FileChannel, Long> startLengths) {
        startLengths.forEach((ch, length) -> {
            try {
                ch.truncate(length);
            } catch (IOException e) {
                LOG.warn("Could not cut a partly written batch back to {} bytes: {}", length, e.getMessage());
            }
        });
        closeAll();
    }

    private FileChannel channel(Path file) throws IOException {
        FileChannel ch = open.get(file);
        if (ch != null && ch.isOpen()) {
            return ch;
        }
        Files.createDirectories(file.getParent());
        ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        open.put(file, ch);
        if (open.size() > MAX_OPEN_FILES) {
            var eldest = open.entrySet().iterator().next();
            closeQuietly(eldest.getValue());
            open.remove(eldest.getKey());
        }
        return ch;
    }

    /**
     * Cuts off a last line without its newline in every sink file (what a crash mid-append leaves behind), then reads
     * the newest lines that a batch Kafka hands out again could repeat ({@link TailAtStart}): the last two batches of
     * {@code batchRecords} records of each partition.
     */
    public synchronized void recoverAtStart(int batchRecords) {
        if (!Files.isDirectory(root)) {
            return;
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> p.toString().endsWith(".jsonl") && Files.isRegularFile(p)).forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scan sink folder " + root, e);
        }
        for (Path f : files) {
            try {
                long cut = TornTail.cleanLength(f);
                if (cut >= 0) {
                    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                        long before = ch.size();
                        ch.truncate(cut);
                        LOG.warn("Cut a torn last line ({} bytes) off {}", before - cut, f);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot repair " + f, e);
            }
        }
        try {
            tailAtStart = TailAtStart.recover(root, files, 2 * batchRecords);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the newest lines under " + root, e);
        }
        if (!tailAtStart.isEmpty()) {
            LOG.info("File sink: {} changes of the newest lines under {} will not be appended again if Kafka hands "
                    + "them out again", tailAtStart.size(), root);
        }
    }

    /** Whether a new line could be written now; for the health check. */
    public boolean isWritable() {
        try {
            Files.createDirectories(root);
            Path probe = Files.createTempFile(root, ".probe", ".tmp");
            Files.delete(probe);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private synchronized void closeAll() {
        open.values().forEach(JsonLinesSink::closeQuietly);
        open.clear();
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            LOG.debug("close failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        closeAll();
    }
}
