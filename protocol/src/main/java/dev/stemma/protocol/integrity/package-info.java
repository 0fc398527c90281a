/**
 * The per-run hash chain ({@link dev.stemma.protocol.integrity.HashChain}) that lets an auditor
 * prove a stored run was not altered: the agent computes it while sending, the collector
 * stores each link beside its step, and {@code stemma verify} recomputes it from the store.
 */
package dev.stemma.protocol.integrity;
