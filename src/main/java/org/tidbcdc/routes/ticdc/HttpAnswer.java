package org.tidbcdc.routes.ticdc;

import java.io.IOException;
import java.util.Optional;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.apache.camel.Exchange;

/**
 * One HTTP answer from PD, TiDB or TiCDC as camel-http left it on the exchange (throwExceptionOnFailure=false, so an
 * error status is data here, not an exception).
 */
public record HttpAnswer(int status, String body) {

    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static final int SNIPPET_LENGTH = 240;

    public HttpAnswer {
        body = body == null ? "" : body;
    }

    public static HttpAnswer of(Exchange exchange) {
        Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return new HttpAnswer(status == null ? 0 : status, exchange.getMessage().getBody(String.class));
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** The body as JSON, or empty when it is not JSON (an HTML error page, a plain-text 503, a truncated body). */
    public Optional<JsonNode> json() {
        if (body.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readTree(body));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The body cut short and flattened to one line: it goes into log lines and health reasons, so a hostile or huge
     * body must not forge lines or flood the log.
     */
    public String snippet() {
        String line = oneLine(body);
        return line.isEmpty() ? "(empty body)" : line;
    }

    /** Text from another system, made safe for one log line. */
    static String oneLine(String text) {
        String flat = text.replaceAll("[\\p{Cntrl}\\s]+", " ").trim();
        return flat.length() <= SNIPPET_LENGTH ? flat : flat.substring(0, SNIPPET_LENGTH) + "…";
    }

    /** "503 no leader": the status and what the body says, for reasons and logs. */
    public String describe() {
        return status + " " + snippet();
    }
}
