package org.tidbcdc.routes.sink;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.tidbcdc.routes.ReadinessCheck;

/** Readiness: a file can be created in the sink folder (not read-only, not full of inodes, still mounted). */
public final class FileSinkHealthCheck extends ReadinessCheck {

    private final JsonLinesSink sink;

    public FileSinkHealthCheck(JsonLinesSink sink) {
        super("cdc", "file-sink");
        this.sink = sink;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("dir", sink.root().toString());
        if (sink.isWritable()) {
            builder.up();
        } else {
            builder.message("sink folder is not writable: " + sink.root()).down();
        }
    }
}
