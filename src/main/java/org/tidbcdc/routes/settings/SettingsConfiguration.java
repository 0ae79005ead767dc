package org.tidbcdc.routes.settings;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every setting against its declaration ({@link Settings}), logs their one-line-per-group summary, and binds
 * them under {@code settings} ({@link SettingValues}) and the data plane's under {@code pipelineSettings}. It runs
 * first of the configuration classes, so a bad value stops startup before any other bean is built.
 */
@Configuration
public class SettingsConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(SettingsConfiguration.class);

    @Override
    public void configure(CamelContext context) {
        SettingValues values = Settings.check(key -> property(context, key));
        LOG.info(Settings.summary(values));
        context.getRegistry().bind("settings", values);
        context.getRegistry().bind("pipelineSettings", new PipelineSettings(values));
    }

    /** A property with its placeholders resolved, as the routes see it. */
    public static String property(CamelContext context, String key) {
        return context.resolvePropertyPlaceholders("{{" + key + "}}");
    }

    /** The checked settings bound by {@link #configure}; the configuration classes after it read them. */
    public static SettingValues settings(CamelContext context) {
        return org.apache.camel.support.CamelContextHelper.mandatoryLookup(context, "settings", SettingValues.class);
    }
}
