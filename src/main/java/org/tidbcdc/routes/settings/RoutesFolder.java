package org.tidbcdc.routes.settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;

/**
 * Checks ROUTES_DIR and hands it to camel-main with its symbolic links resolved, before camel-main reads its own
 * settings. camel-main finds the YAML routes by walking the folder of {@code routes-include-pattern}: a folder that
 * does not exist failed that walk with a bare {@code NoSuchFileException} naming no setting, and the walk does not
 * enter a folder that is itself a symbolic link, so a linked ROUTES_DIR loaded no route at all, without an error.
 * ROUTES_RELOAD is checked here too, before camel-main binds it and names only its own property.
 */
public final class RoutesFolder extends MainListenerSupport {

    private static final String PROPERTY = "cdc.routes-dir";
    /** The control plane's route files, left out with CHANGEFEED_ENABLED=false. */
    private static final String CONTROL_PLANE_ROUTES = "**/cluster-health.camel.yaml,**/changefeed.camel.yaml";

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        String routesDir = context.resolvePropertyPlaceholders("{{" + PROPERTY + "}}");
        Path dir = Path.of(routesDir);
        if (Files.isDirectory(dir)) {
            try {
                routesDir = dir.toRealPath().toString();
                context.getPropertiesComponent().addOverrideProperty(PROPERTY, routesDir);
            } catch (IOException e) {
                // left as given: the check below reads the folder and stops startup with the reason
            }
        }
        PipelineSettings.checkRoutesDir(routesDir);
        // camel-main's own message names its property, not the variable
        Settings.ROUTES_RELOAD.parse(
                context.resolvePropertyPlaceholders("{{" + Settings.ROUTES_RELOAD.key() + "}}"));
        // with the control plane off its routes are not loaded, so no bean of it is built only because they name it
        if (!(Boolean) Settings.CHANGEFEED_ENABLED.parse(
                context.resolvePropertyPlaceholders("{{" + Settings.CHANGEFEED_ENABLED.key() + "}}"))) {
            String excluded = main.configure().getRoutesExcludePattern();
            main.configure().setRoutesExcludePattern((excluded == null || excluded.isBlank() ? "" : excluded + ",")
                    + CONTROL_PLANE_ROUTES);
        }
    }
}
