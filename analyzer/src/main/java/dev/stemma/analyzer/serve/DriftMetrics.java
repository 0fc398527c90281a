package dev.stemma.analyzer.serve;

import dev.stemma.analyzer.drift.Drift;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.GaugeMetricFamily;
import io.prometheus.client.Histogram;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The server's Prometheus metrics. Labels are bounded (generated concept, concept, method,
 * stage), never a run id or a step: the gauges describe the latest run ({@link LiveRuns#latest})
 * and are read from the published view when scraped, so a scrape never sees half an update.
 */
final class DriftMetrics extends Collector {
    static final String STAGE_REFRESH = "refresh";
    static final String STAGE_REQUEST = "request";

    private final CollectorRegistry registry;
    private final Histogram refreshSeconds;
    private final Counter errors;
    private volatile LiveRuns.View view = LiveRuns.View.EMPTY;

    DriftMetrics(CollectorRegistry registry) {
        this.registry = registry;
        refreshSeconds = Histogram.build()
                .name("stemma_analyzer_refresh_seconds")
                .help("Time of one refresh: catching up with the store and computing new drift checkpoints.")
                .buckets(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60)
                .register(registry);
        errors = Counter.build()
                .name("stemma_analyzer_errors_total")
                .help("Failed refreshes (stage=refresh) and requests answered 500 (stage=request).")
                .labelNames("stage")
                .register(registry);
        errors.labels(STAGE_REFRESH);
        errors.labels(STAGE_REQUEST);
        register(registry);
    }

    /** Takes this server's metrics out of the registry, so that another server can register them. */
    void unregister() {
        registry.unregister(refreshSeconds);
        registry.unregister(errors);
        registry.unregister(this);
    }

    void refreshed(double seconds) {
        refreshSeconds.observe(seconds);
    }

    void error(String stage) {
        errors.labels(stage).inc();
    }

    void show(LiveRuns.View next) {
        view = next;
    }

    @Override
    public List<MetricFamilySamples> collect() {
        LiveRuns.View v = view;
        GaugeMetricFamily share = new GaugeMetricFamily("stemma_analyzer_probe_share",
                "Latest run: mean share of each training concept over the probe generations of each generated concept,"
                        + " at the latest recorded step.", List.of("generated", "concept", "method"));
        GaugeMetricFamily confidence = new GaugeMetricFamily("stemma_analyzer_probe_confidence",
                "Latest run: mean confidence of the probe generations of each generated concept.",
                List.of("generated", "method"));
        GaugeMetricFamily steps = new GaugeMetricFamily("stemma_analyzer_recorded_steps",
                "Latest run: steps recorded so far with probe activations.", List.of());
        GaugeMetricFamily checkpoints = new GaugeMetricFamily("stemma_analyzer_drift_checkpoints",
                "Latest run: drift checkpoints computed.", List.of());
        GaugeMetricFamily runs = new GaugeMetricFamily("stemma_analyzer_runs", "Runs in the store.", List.of());
        runs.addMetric(List.of(), v.runs().size());
        v.latestRun().ifPresent(run -> {
            steps.addMetric(List.of(), run.recordedSteps());
            Drift drift = run.drift();
            if (drift == null || drift.checkpoints().isEmpty()) {
                return;
            }
            checkpoints.addMetric(List.of(), drift.checkpoints().size());
            Drift.Checkpoint last = drift.checkpoints().get(drift.checkpoints().size() - 1);
            for (Map.Entry<String, Drift.MeanShares> e : last.generated().entrySet()) {
                double[] s = e.getValue().shares();
                for (int c = 0; c < s.length; c++) {
                    share.addMetric(List.of(e.getKey(), drift.concepts().get(c), drift.method()), s[c]);
                }
                confidence.addMetric(List.of(e.getKey(), drift.method()), e.getValue().confidence());
            }
        });
        List<MetricFamilySamples> all = new ArrayList<>();
        all.add(share);
        all.add(confidence);
        all.add(steps);
        all.add(checkpoints);
        all.add(runs);
        return all;
    }
}
