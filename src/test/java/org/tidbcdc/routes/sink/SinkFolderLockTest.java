package org.tidbcdc.routes.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinkFolderLockTest {

    @TempDir
    Path dir;

    @Test
    void aSecondHolderOfOneSinkFolderIsRefusedNamingSinkDirUntilTheFirstStops() {
        Path sink = dir.resolve("sink");
        SinkFolderLock first = new SinkFolderLock(sink);
        first.start();
        SinkFolderLock second = new SinkFolderLock(sink);
        assertThatThrownBy(second::start).hasMessageContaining("SINK_DIR: " + sink + " is in use by another routes "
                + "process").hasMessageContaining("give each instance its own SINK_DIR");
        first.stop();
        SinkFolderLock third = new SinkFolderLock(sink);
        third.start();
        assertThat(sink.resolve(SinkFolderLock.NAME)).exists();
        third.stop();
        assertThat(sink.resolve(SinkFolderLock.NAME)).as("removed on a stop").doesNotExist();
    }
}
