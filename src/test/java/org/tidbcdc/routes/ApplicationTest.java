package org.tidbcdc.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.RoutesBuilder;
import org.junit.jupiter.api.Test;

class ApplicationTest {

    private static final Path MAIN_CLASSES = Path.of("target/classes");

    /**
     * camel-main no longer scans the package for them (startup), so a class that application.properties does not
     * name would be left out without a word: its beans unbound, its routes never started.
     */
    @Test
    void everyConfigurationClassAndJavaRouteOfTheMainCodeIsNamedInApplicationProperties() throws Exception {
        Properties properties = new Properties();
        try (Reader r = Files.newBufferedReader(MAIN_CLASSES.resolve("application.properties"))) {
            properties.load(r);
        }
        assertThat(properties.getProperty("camel.main.base-package-scan-enabled")).isEqualTo("false");

        Set<String> configurations = new TreeSet<>();
        Set<String> routes = new TreeSet<>();
        for (Class<?> c : mainClasses()) {
            if (c.isAnnotationPresent(Configuration.class) && CamelConfiguration.class.isAssignableFrom(c)) {
                configurations.add(c.getName());
            } else if (RoutesBuilder.class.isAssignableFrom(c) && !Modifier.isAbstract(c.getModifiers())
                    && Modifier.isPublic(c.getModifiers())) {
                routes.add(c.getName());
            }
        }
        assertThat(configurations).contains(org.tidbcdc.routes.settings.SettingsConfiguration.class.getName());
        assertThat(named(properties, "camel.main.configuration-classes")).isEqualTo(configurations);
        assertThat(named(properties, "camel.main.routes-builder-classes")).isEqualTo(routes);
    }

    /**
     * camel-main configures them in the order listed: the settings are checked before any bean is built, and the
     * control plane's events go to the metrics bound before it.
     */
    @Test
    void theSettingsAreConfiguredFirstAndTheMetricsBeforeTheControlPlane() throws Exception {
        Properties properties = new Properties();
        try (Reader r = Files.newBufferedReader(MAIN_CLASSES.resolve("application.properties"))) {
            properties.load(r);
        }
        java.util.List<String> order = Arrays.stream(properties.getProperty("camel.main.configuration-classes")
                .split(",")).map(String::strip).toList();
        assertThat(order.get(0)).isEqualTo(org.tidbcdc.routes.settings.SettingsConfiguration.class.getName());
        assertThat(order.indexOf(org.tidbcdc.routes.observe.ObserveConfiguration.class.getName()))
                .isLessThan(order.indexOf(org.tidbcdc.routes.ticdc.ControlPlaneConfiguration.class.getName()));
    }

    /** What routes.jar prints, alone, for a startup failure: the first line of a message naming a setting. */
    @Test
    void aBadSettingIsFoundAmongTheCausesAndShownAsOneLine() {
        Exception wrapped = new IllegalStateException("Failed to create route", new RuntimeException("while configuring",
                new IllegalArgumentException("KAFKA_SSL_TRUSTSTORE_LOCATION, KAFKA_SSL_TRUSTSTORE_PASSWORD: Failed to"
                        + " load\nthe second line")));
        assertThat(Application.settingError(wrapped))
                .isEqualTo("KAFKA_SSL_TRUSTSTORE_LOCATION, KAFKA_SSL_TRUSTSTORE_PASSWORD: Failed to load");
        assertThat(Application.settingError(new IllegalArgumentException("CLUSTER_TLS_*: cannot build TLS")))
                .isEqualTo("CLUSTER_TLS_*: cannot build TLS");
        // anything else keeps its stack trace: it is not a setting the user can fix
        assertThat(Application.settingError(new IllegalArgumentException("No bean could be found"))).isNull();
        assertThat(Application.settingError(new IllegalStateException("SINKS: not an argument error"))).isNull();
    }

    /** A custom sink's own variable, read as {{env:NAME}} without a default and not set: one line naming it. */
    @Test
    void anUnsetVariableThatARouteReadsIsShownAsOneLine() {
        Exception camels = new IllegalStateException("Failed to create route: cdc-sink-webhook", new RuntimeException(
                "Failed to resolve endpoint", new IllegalArgumentException("Property with key [env:WEBHOOK_URL] using"
                        + " function [env] returned null value which is not allowed, from input: {{env:WEBHOOK_URL}}")));
        assertThat(Application.settingError(camels))
                .isEqualTo("WEBHOOK_URL: not set; a route reads it as {{env:WEBHOOK_URL}} with no default");
    }

    private static Set<String> named(Properties properties, String key) {
        return Arrays.stream(properties.getProperty(key, "").split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<Class<?>> mainClasses() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN_CLASSES)) {
            return files.map(f -> MAIN_CLASSES.relativize(f).toString())
                    .filter(f -> f.endsWith(".class") && !f.contains("$"))
                    .map(f -> f.substring(0, f.length() - ".class".length()).replace('/', '.'))
                    .map(ApplicationTest::load).collect(Collectors.toSet());
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ApplicationTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
