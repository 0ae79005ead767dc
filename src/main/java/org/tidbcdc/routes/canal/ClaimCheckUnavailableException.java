package org.tidbcdc.routes.canal;

/**
 * A claim-check object that exists, or may, but cannot be read right now: its directory is not mounted, or reading it
 * failed. Unlike a {@link CanalFormatException} it never sends the record to the dead-letter topic; the batch fails
 * and is retried, so the change waits for the storage instead of being lost.
 */
public class ClaimCheckUnavailableException extends RuntimeException {

    public ClaimCheckUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
