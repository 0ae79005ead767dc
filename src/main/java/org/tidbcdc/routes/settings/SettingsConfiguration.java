package org.tidbcdc.routes.settings;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;

/**
 * Binds the data plane's settings under {@code pipelineSettings}. It runs first of the configuration classes, so a bad
 * value of these stops startup before any other bean is built.
 */
@Configuration
public class SettingsConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        PipelineSettings settings = new PipelineSettings(
                property(context, "cdc.sinks"), property(context, "cdc.audit.batch-size"),
                property(context, "cdc.audit.max-batch-bytes"), property(context, "cdc.max-poll-records"),
                property(context, "cdc.sink-dir"), property(context, "cdc.routes-dir"),
                property(context, "cdc.decode-threads"));
        PipelineSettings.checkLogLevel(property(context, "cdc.log-level"));
        // camel-main reads it only when it stops: a bad value would have failed the graceful shutdown
        PipelineSettings.atLeast("SHUTDOWN_TIMEOUT_SECONDS", property(context, "camel.main.shutdown-timeout"), 1);
        String readiness = property(context, "cdc.readiness");
        if (!readiness.equals("delivering") && !readiness.equals("running")) {
            throw new IllegalArgumentException("READINESS: must be delivering or running, got '" + readiness + "'");
        }
        context.getRegistry().bind("pipelineSettings", settings);
    }

    /** A property with its placeholders resolved, as the routes see it. */
    public static String property(CamelContext context, String key) {
        return context.resolvePropertyPlaceholders("{{" + key + "}}");
    }
}
