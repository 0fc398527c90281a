package dev.stemma.protocol;

/**
 * One record of a run, as it crosses Kafka. A run is a {@link RunManifest}, then one
 * {@link StepSnapshot} per recorded step, then an {@link EndOfRun}.
 */
public sealed interface StemmaRecord permits RunManifest, StepSnapshot, EndOfRun {

    /** The run this record belongs to; see {@link RunIds} for what a valid id looks like. */
    String runId();
}
