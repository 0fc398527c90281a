/**
 * The Stemma wire and storage format: every record that crosses Kafka or lands in RocksDB.
 *
 * <p>Start with {@link dev.stemma.protocol.RecordCodec}, which encodes and decodes the four
 * record kinds of {@link dev.stemma.protocol.StemmaRecord}: a {@link dev.stemma.protocol.RunManifest}
 * first, one {@link dev.stemma.protocol.StepSnapshot} per recorded step, and an
 * {@link dev.stemma.protocol.EndOfRun} last. Tensors ({@link dev.stemma.protocol.Tensor}) carry
 * their dtype and shape. Decoding never trusts a length it has not checked against the bytes
 * that remain, and reports every defect as a {@link dev.stemma.protocol.MalformedRecordException}.
 *
 * <p>Kafka topic names and record keys are in {@link dev.stemma.protocol.Topics}; the RocksDB key
 * schema is in {@link dev.stemma.protocol.store}; the per-run hash chain in
 * {@link dev.stemma.protocol.integrity}.
 */
package dev.stemma.protocol;
