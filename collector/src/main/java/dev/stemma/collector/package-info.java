/**
 * The collector: a Kafka consumer that stores run records in RocksDB (one WriteBatch per poll,
 * offsets committed after the write), keeps the per-run hash chain, and offers the read API the
 * analyzer uses. Filled in by the collector issue; this module exists so that the build layout is final.
 */
package dev.stemma.collector;
