/**
 * The Stemma agent: a DJL {@code TrainingListener} that records every training step (adapter
 * factors, the batch, probe activations) and publishes it to Kafka off the training thread.
 * Filled in by the agent issue; this module exists so that the build layout is final.
 */
package dev.stemma.agent;
