package org.tidbcdc.routes.observe;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import org.tidbcdc.routes.settings.Settings;

/**
 * MANAGEMENT_PORT, checked before Camel starts. The management server binds late, on its own thread, and a port that is
 * taken only gets a log line there: the process then ran on, consuming, without health checks or metrics.
 */
final class ManagementPort {

    private ManagementPort() {
    }

    /** Stops startup, naming MANAGEMENT_PORT, when nothing could listen on it now; 0 (any free port) always can. */
    static void checkFree(String host, String port) {
        int n = (Integer) Settings.MANAGEMENT_PORT.parse(port);
        if (n == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            // as the management server binds: a port left in TIME_WAIT by a previous process is free
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, n));
        } catch (IOException e) {
            throw new IllegalArgumentException("MANAGEMENT_PORT: cannot listen on " + host + ":" + n + " ("
                    + e.getMessage() + "); another process holds it, so set MANAGEMENT_PORT to a free port", e);
        }
    }
}
