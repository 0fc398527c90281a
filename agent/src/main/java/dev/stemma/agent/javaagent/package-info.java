/**
 * {@code -javaagent:stemma-agent.jar=config.yaml}: attaches the Stemma agent to every DJL
 * {@code Trainer} a job creates, for jobs whose code one cannot change.
 * {@link dev.stemma.agent.javaagent.StemmaJavaAgent} is the entry point.
 */
package dev.stemma.agent.javaagent;
