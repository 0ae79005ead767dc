package org.tidbcdc.routes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;

/**
 * Hands camel-main ROUTES_DIR with its symbolic links resolved. camel-main finds the YAML routes by walking the folder
 * of {@code routes-include-pattern}, and that walk does not enter a folder that is itself a symbolic link: a linked
 * ROUTES_DIR loaded no route at all, without an error. This runs before camel-main reads its own settings.
 */
final class RoutesFolder extends MainListenerSupport {

    private static final String PROPERTY = "cdc.routes-dir";

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        Path dir = Path.of(context.resolvePropertyPlaceholders("{{" + PROPERTY + "}}"));
        if (!Files.isDirectory(dir)) {
            return; // PipelineSettings stops startup, naming ROUTES_DIR
        }
        try {
            context.getPropertiesComponent().addOverrideProperty(PROPERTY, dir.toRealPath().toString());
        } catch (IOException e) {
            // left as given: PipelineSettings reads the folder next and stops startup with the reason
        }
    }
}
