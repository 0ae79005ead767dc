package org.tidbcdc.routes.sink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Finds where the last complete line of a JSON Lines file ends. */
final class TornTail {

    private static final int CHUNK = 64 * 1024;

    private TornTail() {
    }

    /** The length to cut the file to, or -1 when it already ends with a newline (or is empty). */
    static long cleanLength(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0 || byteAt(ch, size - 1) == '\n') {
                return -1;
            }
            return lastNewlineBefore(ch, size, ByteBuffer.allocate(CHUNK)) + 1;
        }
    }

    /** The position of the last newline before {@code end}, or -1 when there is none; reads backwards in chunks. */
    static long lastNewlineBefore(FileChannel ch, long end, ByteBuffer buf) throws IOException {
        while (end > 0) {
            long start = Math.max(0, end - buf.capacity());
            buf.clear().limit((int) (end - start));
            readFully(ch, buf, start);
            for (int i = buf.position() - 1; i >= 0; i--) {
                if (buf.get(i) == '\n') {
                    return start + i;
                }
            }
            end = start;
        }
        return -1;
    }

    /** Fills {@code buf} from {@code position} on, or up to the end of the file. */
    static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long at = position - buf.position();
        while (buf.hasRemaining() && ch.read(buf, at + buf.position()) >= 0) {
            // a read may return fewer bytes than asked for
        }
    }

    private static byte byteAt(FileChannel ch, long position) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        ch.read(one, position);
        return one.get(0);
    }
}
