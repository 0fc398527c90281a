/**
 * Replay: the model of a recorded run rebuilt at its recorded steps from the base and the stored
 * LoRA factors ({@link dev.stemma.analyzer.replay.RunReplay}), so that an image nobody probed
 * during training gets a trajectory computed exactly as the agent computed the probes', and the
 * run's training images as pixels ({@link dev.stemma.analyzer.replay.RunTrainingImages}).
 */
package dev.stemma.analyzer.replay;
