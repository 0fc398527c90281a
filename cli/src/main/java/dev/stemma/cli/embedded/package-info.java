/**
 * The single-machine stack: {@link dev.stemma.cli.embedded.EmbeddedKafka} runs a real
 * single-node KRaft Kafka broker as a child JVM from the {@code kafka_2.13} jars, on loopback,
 * with its data under the run's data directory. The child watches its standard input and shuts
 * down cleanly when the parent goes away, even if the parent was killed.
 */
package dev.stemma.cli.embedded;
