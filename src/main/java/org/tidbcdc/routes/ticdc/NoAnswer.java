package org.tidbcdc.routes.ticdc;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;

import javax.net.ssl.SSLException;

/**
 * A request that got no HTTP answer at all. Refused connections and unknown hosts mean the component is not there
 * (DOWN); a timeout or a dropped connection says nothing certain about its state (UNKNOWN).
 */
public final class NoAnswer {

    private NoAnswer() {
    }

    /**
     * @param who      "PD", "TiDB" or "TiCDC"
     * @param endpoint the camel-http endpoint that was called; only its path is kept (its query holds options)
     */
    public static ComponentState of(String who, String endpoint, Throwable error) {
        String path = path(endpoint);
        String cause = rootCause(error);
        if (hasCause(error, ConnectException.class) && !hasCause(error, InterruptedIOException.class)
                || hasCause(error, UnknownHostException.class) || hasCause(error, NoRouteToHostException.class)) {
            return ComponentState.down(who + " unreachable on " + path + ": " + cause);
        }
        if (hasCause(error, SSLException.class)) {
            // a handshake that fails fails the same way next time: certificates or URL scheme, not the network
            return ComponentState.down(who + " TLS failed on " + path + " (check CLUSTER_TLS_CA, CLUSTER_TLS_CERT,"
                    + " CLUSTER_TLS_KEY and that the URL is https): " + cause);
        }
        if (hasCause(error, InterruptedIOException.class)) {
            return ComponentState.unknown(who + " did not answer " + path + " in time: " + cause);
        }
        return ComponentState.unknown(who + " " + path + " failed without an answer: " + cause);
    }

    private static String path(String endpoint) {
        if (endpoint == null) {
            return "(unknown path)";
        }
        try {
            String path = URI.create(endpoint).getRawPath();
            return path == null || path.isEmpty() ? "/" : path;
        } catch (IllegalArgumentException e) {
            return "(unknown path)";
        }
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + root.getMessage().replaceAll("\\s+", " ");
        return root.getClass().getSimpleName() + message;
    }
}
