package org.tidbcdc.routes.canal;

/**
 * A record that can never be decoded, however often it is retried: bad JSON, an unknown shape, or a value that does
 * not fit its declared type. Only this exception sends a record to the dead-letter topic.
 */
public class CanalFormatException extends RuntimeException {

    public CanalFormatException(String message) {
        super(message);
    }

    public CanalFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
