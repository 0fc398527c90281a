/**
 * The RocksDB key schema: one column family per record kind ({@link dev.stemma.protocol.store.ColumnFamily})
 * and big-endian, length-prefixed keys ({@link dev.stemma.protocol.store.StoreKeys}) so that
 * byte order is step order and a prefix scan over everything but the step is a trajectory.
 */
package dev.stemma.protocol.store;
