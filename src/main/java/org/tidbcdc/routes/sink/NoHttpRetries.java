package org.tidbcdc.routes.sink;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;

/**
 * An HTTP client for a sink that does not retry on its own. Apache HttpClient's default strategy repeats a request
 * answered 429 or 503 after its Retry-After, however long that is, inside one call of the sink: the wait would be
 * unbounded and the retry invisible. A sink throws instead, and cdc-errors retries (an endpoint option:
 * {@code httpClientConfigurer: "#noHttpRetries"}).
 */
public final class NoHttpRetries implements HttpClientConfigurer {

    @Override
    public void configureHttpClient(HttpClientBuilder clientBuilder) {
        clientBuilder.disableAutomaticRetries();
    }
}
