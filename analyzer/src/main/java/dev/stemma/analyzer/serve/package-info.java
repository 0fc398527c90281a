/**
 * {@code stemma serve}: {@link dev.stemma.analyzer.serve.DriftServer} follows a store while the
 * collector writes it and serves each run's attribution drift (see
 * {@link dev.stemma.analyzer.drift}) as a JSON API, a live page and Prometheus metrics on the
 * JDK's HTTP server. One refresh thread reads the store and publishes an immutable view; request
 * threads answer from the view only. Configured by {@link dev.stemma.analyzer.serve.ServeConfig}.
 */
package dev.stemma.analyzer.serve;
