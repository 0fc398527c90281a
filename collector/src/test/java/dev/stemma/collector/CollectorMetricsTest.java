package dev.stemma.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stemma.protocol.MalformedRecordException.Reason;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.CollectorRegistry;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The Prometheus names and labels the collector exposes: base units, _total counters, bounded labels. */
class CollectorMetricsTest {

    @Test
    void shouldExposeCountersLagAndLatencyWithBoundedLabels() {
        CollectorRegistry registry = new CollectorRegistry();
        CollectorMetrics metrics = new CollectorMetrics(registry);
        IncomingRecord bad = new IncomingRecord(null, new byte[] {1}, "t", 0, 7);
        metrics.recorded(new BatchOutcome(1, 40, 1, 123_456, 2_500_000, List.of(new RejectedRecord(bad, Reason.NON_FINITE, "x"))));
        metrics.lag(17);

        assertEquals(40.0, registry.getSampleValue("stemma_collector_records_written_total", new String[] {"kind"}, new String[] {"step"}));
        assertEquals(123_456.0, registry.getSampleValue("stemma_collector_bytes_written_total"));
        assertEquals(1.0, registry.getSampleValue("stemma_collector_dead_letters_total", new String[] {"reason"}, new String[] {"NON_FINITE"}));
        assertEquals(17.0, registry.getSampleValue("stemma_collector_consumer_lag_records"));
        assertEquals(1.0, registry.getSampleValue("stemma_collector_write_latency_seconds_count"));
        assertEquals(0.0025, registry.getSampleValue("stemma_collector_write_latency_seconds_sum"), 1e-9);
        assertEquals(1.0, metrics.deadLetterCount());

        Set<String> labels = new TreeSet<>();
        for (MetricFamilySamples family : Collections.list(registry.metricFamilySamples())) {
            family.samples.forEach(s -> labels.addAll(s.labelNames));
        }
        labels.remove("le");
        assertEquals(Set.of("kind", "reason"), labels, "never a run id or a step");
        assertFalse(labels.contains("run"));
        assertTrue(registry.getSampleValue("stemma_collector_write_latency_seconds_bucket",
                new String[] {"le"}, new String[] {"0.0025"}) >= 1.0);
    }
}
