package dev.stemma.agent;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;

/**
 * The agent's Prometheus metrics. Labels are bounded: none carries a run id or a step.
 */
final class AgentMetrics {
    private static AgentMetrics defaultInstance;

    final Counter stepsRecorded;
    final Counter bytesSent;
    final Gauge queueBytes;
    final Gauge queueSteps;
    final Histogram sendLatency;
    final Histogram captureSeconds;
    final Counter errors;
    final Counter spilledRecords;

    AgentMetrics(CollectorRegistry registry) {
        stepsRecorded = Counter.build("stemma_agent_steps_recorded_total", "Training steps captured by the agent.")
                .register(registry);
        bytesSent = Counter.build("stemma_agent_bytes_sent_total", "Encoded record bytes acknowledged by Kafka.")
                .register(registry);
        queueBytes = Gauge.build("stemma_agent_queue_bytes", "Bytes of captured steps not yet acknowledged by Kafka.")
                .register(registry);
        queueSteps = Gauge.build("stemma_agent_queue_depth", "Captured steps waiting to be encoded and sent.")
                .register(registry);
        sendLatency = Histogram.build("stemma_agent_send_latency_seconds", "From capture to Kafka acknowledgement.")
                .buckets(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30).register(registry);
        captureSeconds = Histogram.build("stemma_agent_capture_seconds",
                        "Time the training thread spends in the agent per step.")
                .labelNames("part").buckets(0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1)
                .register(registry);
        errors = Counter.build("stemma_agent_errors_total", "Failed sends and spill errors.").register(registry);
        spilledRecords = Counter.build("stemma_agent_spilled_records_total",
                "Records written to the local spill file while Kafka was behind.").register(registry);
    }

    /** The metrics on Prometheus's default registry, registered once per JVM. */
    static synchronized AgentMetrics onDefaultRegistry() {
        if (defaultInstance == null) {
            defaultInstance = new AgentMetrics(CollectorRegistry.defaultRegistry);
        }
        return defaultInstance;
    }
}
