package org.tidbcdc.routes.ticdc;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * PD_URL, TIDB_STATUS_URL and TICDC_URL: each one base URL that the routes append API paths to. TiCDC's own
 * {@code --pd} takes a comma-separated list, and such a list here was quietly cut to one host by camel-http.
 */
final class ComponentUrl {

    private ComponentUrl() {
    }

    /** The URL without a trailing slash, or an error naming the setting. */
    static String of(String variable, String value) {
        String url = value.strip();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        URI uri = null;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            // reported below with the rule
        }
        boolean oneBaseUrl = uri != null && !url.contains(",") && uri.getHost() != null
                && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
        if (!oneBaseUrl) {
            // a user:password@ in the value is not printed
            String shown = value.contains("@") ? "(a URL with credentials)" : "'" + value + "'";
            throw new IllegalArgumentException(variable + ": " + shown + " is not one http:// or https:// URL of a"
                    + " host and port, such as http://pd:2379. One member answers for the whole cluster; for more than"
                    + " one, put a load balancer or a Kubernetes Service in front and name that");
        }
        return url;
    }
}
