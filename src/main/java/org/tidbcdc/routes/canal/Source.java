package org.tidbcdc.routes.canal;

/** Where a change was read from: the Kafka coordinates of its record. */
public record Source(String topic, int partition, long offset) {
}
