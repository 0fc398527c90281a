/**
 * Measured figures for the analyzer's bars on synthetic recordings of a given size: query
 * latency against a built index, and peak heap while building from streamed trajectories.
 * Run {@link dev.stemma.analyzer.bench.AnalyzerBenchmark#main(String[])}; it prints JSON.
 */
package dev.stemma.analyzer.bench;
