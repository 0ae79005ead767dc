package org.tidbcdc.routes.sink;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.apache.camel.support.service.ServiceSupport;

/**
 * One process per SINK_DIR. Two instances that shared a folder would append to the same files, and each would cut
 * the other's last line as torn at its start. The process holds an OS lock on {@code .file-sink-lock} from startup to
 * its stop, and removes the file then; the OS lets the lock go when the process dies, and a file left by a crash is
 * taken over by the next start.
 */
final class SinkFolderLock extends ServiceSupport {

    static final String NAME = ".file-sink-lock";

    private final Path dir;
    private FileChannel channel;
    private FileLock lock;

    SinkFolderLock(Path dir) {
        this.dir = dir;
    }

    /** Takes the lock, or stops startup naming SINK_DIR; a folder that cannot be created is left to the health check. */
    @Override
    protected void doStart() {
        Path file = dir.resolve(NAME);
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            return;
        }
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            return; // a file system without locks: nothing to check with
        }
        if (lock == null) {
            doStop();
            throw new IllegalArgumentException("SINK_DIR: " + dir + " is in use by another routes process (it holds "
                    + file + "); give each instance its own SINK_DIR (docs/scaling.md)");
        }
    }

    @Override
    protected void doStop() {
        try {
            if (lock != null) {
                // removed while still held, so a process that starts later opens a new file; one that starts in the
                // same instant may lock the old one: this guards against a setting that is wrong, not a race
                Files.deleteIfExists(dir.resolve(NAME));
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // the process ends or the folder is gone: the OS drops the lock either way
        } finally {
            lock = null;
            channel = null;
        }
    }
}
