/**
 * The reference customisation job. {@link dev.stemma.trainer.StemmaTrainer} is the entry point:
 * pretrain a base (DDPM, EMA weights), customise it with LoRA adapters and one token per concept
 * (base frozen, prior preservation, extra DJL training listeners such as the agent, which sees the run
 * as a {@link dev.stemma.agent.MonitoredModel}), sample from base + adapter, train the fidelity judge
 * and measure the figures of {@code stemma bench trainer}. {@link dev.stemma.trainer.StemmaModel}
 * loads a base and adapter for sampling and replay, {@link dev.stemma.trainer.LoraGradients} takes
 * per-example gradients of the training loss on it; {@link dev.stemma.trainer.FidelityJudge} is the classifier
 * that scores generations. Batches come from a generator seeded by (seed, step), so any step's batch
 * can be rebuilt; the same seed gives the same losses.
 */
package dev.stemma.trainer;
