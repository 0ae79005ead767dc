package org.tidbcdc.routes.ticdc;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * PD_URL, TIDB_STATUS_URL and TICDC_URL: one base URL, or several separated by commas as TiCDC's own {@code --pd}
 * takes them, that the routes append API paths to.
 */
final class ComponentUrl {

    private ComponentUrl() {
    }

    /** Each URL without a trailing slash, in the order given, or an error naming the setting. */
    static List<String> of(String variable, String value) {
        List<String> urls = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            urls.add(one(variable, part));
        }
        return List.copyOf(urls);
    }

    private static String one(String variable, String value) {
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
        boolean baseUrl = uri != null && uri.getHost() != null
                && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
        if (!baseUrl) {
            // a user:password@ in the value is not printed
            String shown = value.contains("@") ? "(a URL with credentials)" : "'" + value + "'";
            throw new IllegalArgumentException(variable + ": " + shown + " is not an http:// or https:// URL of a"
                    + " host and port, such as http://pd:2379 (several are separated by commas)");
        }
        return url;
    }
}
