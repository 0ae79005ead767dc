package org.tidbcdc.routes.consume;

/** A sink route ended with an exception: the batch fails, is retried as cdc-errors says, then rewound. */
public final class SinkFailedException extends Exception {

    private final String route;

    SinkFailedException(String route, Throwable cause) {
        super(route + ": " + cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
        this.route = route;
    }

    /** The id of the sink route that failed. */
    public String route() {
        return route;
    }
}
