package org.tidbcdc.routes;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;

/**
 * Refuses, before any route is loaded, a shipped route file written for another release: operators edit copies of the
 * shipped routes, and an old copy of cdc-consume would run without the sinks' guarantees. A shipped file says its
 * format in its first lines ({@code # cdc-routes-format: N}); an operator's own file says none and is not checked.
 */
public final class RouteFormat extends MainListenerSupport {

    /** The format of the route files this release ships. */
    public static final int CURRENT = 2;
    private static final Pattern MARK = Pattern.compile("#\\s*cdc-routes-format:\\s*(\\S+)\\s*");
    /** The mark is looked for in the comment lines at the top of a file. */
    private static final int HEAD_LINES = 5;

    @Override
    public void beforeConfigure(BaseMainSupport main) {
        check(Path.of(main.getCamelContext().resolvePropertyPlaceholders("{{cdc.routes-dir}}")));
    }

    static void check(Path dir) {
        if (!Files.isDirectory(dir)) {
            return; // RoutesFolder names ROUTES_DIR for this
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        } catch (IOException e) {
            return;
        }
        for (Path file : files) {
            String format = format(file);
            if (format != null && !format.equals(String.valueOf(CURRENT))) {
                throw new IllegalArgumentException("ROUTES_DIR: " + file + " is a shipped route file of format "
                        + format + ", and this release reads format " + CURRENT + ": replace it with the release's"
                        + " file and apply your edits again, as docs/upgrading.md describes");
            }
        }
    }

    /** The format a file's head declares, or null for a file of the operator's own. */
    static String format(Path file) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < HEAD_LINES; i++) {
                String line = r.readLine();
                if (line == null) {
                    return null;
                }
                Matcher m = MARK.matcher(line.strip());
                if (m.matches()) {
                    return m.group(1);
                }
            }
        } catch (IOException e) {
            return null; // camel-main reports a file it cannot read
        }
        return null;
    }
}
