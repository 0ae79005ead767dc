package org.tidbcdc.routes.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.tidbcdc.routes.Application;

/**
 * The application as {@code java -jar routes.jar} runs it (camel-main, application.properties, routes/), started in
 * this JVM. Settings are given by property key (for example {@code cdc.topic}), which is what the environment
 * variables feed; they override application.properties.
 */
public final class RoutesApp implements AutoCloseable {

    private final Main main;
    private final int managementPort;

    private RoutesApp(Main main, int managementPort) {
        this.main = main;
        this.managementPort = managementPort;
    }

    public static RoutesApp start(Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>();
        int port = freePort();
        all.put("camel.management.port", String.valueOf(port));
        all.put("cdc.changefeed.enabled", "false");
        all.put("cdc.poll-timeout-ms", "50");
        all.put("camel.main.shutdown-timeout", "15");
        all.putAll(settings);
        Main main = Application.camelMain();
        main.addInitialProperty("cdc.host-name", "test-host");
        all.forEach(main::addOverrideProperty);
        try {
            main.start();
        } catch (Exception e) {
            throw new IllegalStateException("the application did not start: " + e.getMessage(), e);
        }
        return new RoutesApp(main, port);
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public int managementPort() {
        return managementPort;
    }

    public String managementUrl(String path) {
        return "http://127.0.0.1:" + managementPort + path;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            main.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
