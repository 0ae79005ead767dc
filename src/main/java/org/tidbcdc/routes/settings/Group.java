package org.tidbcdc.routes.settings;

/** The groups settings are listed in, by {@code --help} and in docs/configuration.md, in this order. */
public enum Group {
    KAFKA_CONSUMER("Kafka consumer", "Where the changes come from, and how they are polled."),
    KAFKA_SECURITY("Kafka security", "TLS and SASL of every Kafka client of the application."),
    SINKS("Sinks", "Which sinks get each change, and how a failing batch is retried."),
    AUDIT_DATABASE("Audit database", "The audit table's database (sink `audit`)."),
    FILE_SINK("File sink", "The JSON Lines files (sink `file`)."),
    LARGE_ROWS("Large rows", "Rows larger than a Kafka message: TiCDC's claim-check and compression."),
    CONTROL_PLANE("Control plane", "Health of PD, TiDB and TiCDC, and the changefeed this application owns."),
    CLUSTER_TLS("Cluster TLS", "TLS to PD, TiDB's status port and TiCDC."),
    OBSERVABILITY("Observability", "Health checks, metrics, the freshness heartbeat and the log."),
    RUNTIME("Runtime", "Routes, decoding threads and shutdown.");

    private final String title;
    private final String summary;

    Group(String title, String summary) {
        this.title = title;
        this.summary = summary;
    }

    public String title() {
        return title;
    }

    public String summary() {
        return summary;
    }
}
