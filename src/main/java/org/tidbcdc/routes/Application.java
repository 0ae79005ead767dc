package org.tidbcdc.routes;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.main.Main;
import org.tidbcdc.routes.consume.SinkRoutes;
import org.tidbcdc.routes.settings.RoutesFolder;
import org.tidbcdc.routes.settings.Settings;

/**
 * Starts camel-main; routes, beans and settings come from application.properties and routes/. {@code --help} and
 * {@code -h} list the settings and camel-main's options; {@code --settings-reference} prints docs/configuration.md.
 * A bad setting stops the process with one line that starts with the variable's name, and exit code 2.
 */
public final class Application {

    /** The exit code of a bad setting. */
    public static final int BAD_SETTING = 2;

    /** camel-main's options that would be a second way to set the routes or the settings; the rest stay. */
    private static final Set<String> DROPPED_OPTIONS = Set.of("-r", "-pl", "-cwd", "-pro");
    /** Camel's message for {@code {{env:NAME}}} without a default when NAME is not set. */
    private static final Pattern UNSET_VARIABLE = Pattern.compile(
            "^Property with key \\[env:([A-Za-z0-9_]+)] using function \\[env] returned null value");

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        List<String> arguments = List.of(args);
        if (arguments.contains("--help") || arguments.contains("-h") || arguments.contains("-help")) {
            help(System.out);
            return;
        }
        if (arguments.contains("--settings-reference")) {
            System.out.print(Settings.reference());
            return;
        }
        String hostName = hostName();
        Main main = camelMain();
        // the default of CDC_INSTANCE_ID: HOSTNAME is not exported by every shell, so ask the OS
        main.addInitialProperty("cdc.host-name", hostName);
        try {
            Map<String, String> env = System.getenv();
            Settings.aliasValues(Settings.all(), env).forEach(main::addOverrideProperty);
            // each value on its own, before camel-main starts anything; the rules between settings come later
            Settings.check(Settings.fromEnvironment(env, hostName));
            main.run(args);
        } catch (Exception e) {
            String line = settingError(e);
            if (line == null) {
                throw e;
            }
            System.err.println(line);
            // camel-main's threads (and any a half-built bean started) must not keep the JVM up
            System.exit(BAD_SETTING);
        }
    }

    /** camel-main as routes.jar runs it; the tests start the same. */
    public static Main camelMain() {
        Main main = new RoutesMain();
        // one name per setting: no CAMEL_MAIN_*, CAMEL_COMPONENT_* or -Dcamel.* overrides, and the startup summary
        // of SettingsConfiguration instead of camel-main's two long ones
        main.configure().setAutoConfigurationEnvironmentVariablesEnabled(false);
        main.configure().setAutoConfigurationSystemPropertiesEnabled(false);
        main.configure().setAutoConfigurationLogSummary(false);
        main.addMainListener(new RoutesFolder());
        // before the routes are loaded: no shipped route file of another release
        main.addMainListener(new RouteFormat());
        // once the routes are loaded: every sink in SINKS is a route that can be called safely
        main.addMainListener(new SinkRoutes());
        return main;
    }

    /** The settings by group, then camel-main's own options. */
    static void help(PrintStream out) {
        out.println("Usage: java -jar routes.jar [options]");
        out.println();
        out.print(Settings.help());
        out.println();
        out.println("Options of camel-main (kept: they control a run, not the pipeline; each setting above is read"
                + " only from its environment variable):");
        PrintStream system = System.out;
        System.setOut(out);
        try {
            new RoutesMain().showOptions();
        } finally {
            System.setOut(system);
        }
        out.println("  --help = As -h");
        out.println("  --settings-reference = Prints docs/configuration.md, the settings as Markdown");
        out.println("  (camel-main's -r, -pl, -cwd and -pro are removed: they set routes or properties a second way)");
    }

    /**
     * The one line of a bad setting in {@code e}'s causes: a message that starts with a variable's name, or Camel's
     * refusal of a {@code {{env:NAME}}} without a default that a route reads (a custom sink's own variable); else null.
     */
    static String settingError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException && t.getMessage() != null) {
                String message = t.getMessage();
                Matcher unset = UNSET_VARIABLE.matcher(message);
                if (unset.find()) {
                    return unset.group(1) + ": not set; a route reads it as {{env:" + unset.group(1)
                            + "}} with no default";
                }
                String first = message.split("[^A-Z0-9_]", 2)[0];
                if (Settings.byEnv(first).isPresent() || first.startsWith("CLUSTER_TLS_")) {
                    return message.lines().findFirst().orElse(message);
                }
            }
        }
        return null;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "cdc-routes";
        }
    }

    /**
     * camel-main with the properties component's environment and system-property overrides off: CDC_SINKS mapped onto
     * cdc.sinks, over SINKS. {@code {{env:NAME:default}}} placeholders keep working.
     */
    static final class RoutesMain extends Main {

        @Override
        protected void addInitialOptions() {
            super.addInitialOptions();
            options.removeIf(o -> DROPPED_OPTIONS.contains(o.getAbbreviation()));
        }

        @Override
        protected CamelContext createCamelContext() {
            CamelContext context = super.createCamelContext();
            PropertiesComponent properties = (PropertiesComponent) context.getPropertiesComponent();
            properties.setEnvironmentVariableMode(PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_NEVER);
            properties.setSystemPropertiesMode(PropertiesComponent.SYSTEM_PROPERTIES_MODE_NEVER);
            return context;
        }
    }
}
