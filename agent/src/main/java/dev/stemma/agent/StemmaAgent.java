package dev.stemma.agent;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import dev.stemma.protocol.EndOfRun;
import dev.stemma.protocol.RunManifest;
import dev.stemma.protocol.SoftwareVersions;
import dev.stemma.protocol.StemmaVersion;
import dev.stemma.protocol.DType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Stemma agent: a DJL {@link TrainingListener} that records every training step of a
 * customisation and publishes it to Kafka. Attach it in one line:
 *
 * <pre>{@code config.addTrainingListeners(StemmaAgent.from(agentConfig, monitoredModel));}</pre>
 *
 * <p>At the first batch it sends the run manifest and builds the fixed probe set (not in
 * {@code onTrainingBegin}, which DJL calls before parameters exist). In every
 * {@code onTrainingBatch} (after backward, before {@code step()}, so the parameters are those the
 * batch was computed with) it copies out the adapter factors, loss, learning rate and batch,
 * and every {@code activationEvery} steps the pooled probe activations; everything else
 * (encoding, chaining, sending) happens on the agent's own thread. When training ends it sends
 * the end-of-run record with the final digest and waits until Kafka acknowledged everything.
 */
public final class StemmaAgent implements TrainingListener, AutoCloseable {
    private final AgentConfig config;
    private final AgentMetrics metrics;
    private final RecordSinkFactory sinkFactory;
    private MonitoredModel model;
    private SnapshotPublisher publisher;
    private ProbeSet probes;
    private long nextStep;
    private long stepsRecorded;
    private EndOfRun end;

    /** Opens the sink; a seam for tests of the agent's logic. */
    interface RecordSinkFactory {
        RecordSink open(AgentConfig config);
    }

    StemmaAgent(AgentConfig config, MonitoredModel model, RecordSinkFactory sinkFactory, AgentMetrics metrics) {
        this.config = config;
        this.model = model;
        this.sinkFactory = sinkFactory;
        this.metrics = metrics;
    }

    /** An agent for {@code model} that publishes to Kafka, with metrics on the default registry. */
    public static StemmaAgent from(AgentConfig config, MonitoredModel model) {
        return new StemmaAgent(config, model, KafkaRecordSink::new, AgentMetrics.onDefaultRegistry());
    }

    /**
     * An agent for whichever model the trainer trains: its block if that implements
     * {@link MonitoredModel}, else every parameter that requires a gradient and the batch
     * indices DJL reports (no probes). What {@code -javaagent} attaches.
     */
    public static StemmaAgent from(AgentConfig config) {
        return from(config, null);
    }

    /**
     * Nothing yet: DJL calls this from the {@code Trainer} constructor, before the parameters are
     * initialised and before a job freezes its base. The agent starts at the first batch.
     */
    @Override
    public void onTrainingBegin(Trainer trainer) {
        // Deliberately empty; see begin().
    }

    /**
     * Starts recording now: sends the manifest and builds the probe set from the model as it is.
     * Called by the first batch if not before; a job (or a benchmark) may call it earlier, once
     * parameters are initialised, to keep probe generation out of its first step.
     */
    public void start(Trainer trainer) {
        if (publisher != null) {
            return;
        }
        if (model == null) {
            model = trainer.getModel().getBlock() instanceof MonitoredModel m
                    ? m : new GenericMonitoredModel(trainer.getModel());
        }
        try {
            probes = config.activationEvery() > 0 ? ProbeSet.build(config, model, trainer.getManager()) : null;
            publisher = new SnapshotPublisher(config, sinkFactory.open(config), metrics);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the agent's spill file", e);
        }
        publisher.start(manifest());
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        if (end != null) {
            throw new IllegalStateException("run " + config.runId() + " already ended; one agent records one run");
        }
        start(trainer);
        long started = System.nanoTime();
        if (model instanceof GenericMonitoredModel generic) {
            generic.observe(batchData);
        }
        long step = model.currentStep() >= 0 ? model.currentStep() : nextStep;
        nextStep = step + 1;
        List<StepCapture.FactorCopy> factors = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : model.adapterTensors().entrySet()) {
            factors.add(new StepCapture.FactorCopy(e.getKey(), intShape(e.getValue()), e.getValue().toFloatArray()));
        }
        float loss = model.currentLoss();
        if (Float.isNaN(loss)) {
            loss = evaluateLoss(trainer, batchData);
        }
        long factorsDone = System.nanoTime();
        metrics.captureSeconds.labels("factors").observe((factorsDone - started) / 1e9);
        List<StepCapture.ActivationBlock> acts = List.of();
        if (probes != null && config.activationsAt(step)) {
            acts = probes.capture(model, config.timestepsAt(step));
            metrics.captureSeconds.labels("activations").observe((System.nanoTime() - factorsDone) / 1e9);
        }
        StepCapture capture = new StepCapture(step, loss, model.currentLearningRate(), model.currentBatch(),
                factors, acts);
        try {
            publisher.submit(capture);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the agent waited for Kafka", e);
        }
        stepsRecorded++;
        metrics.stepsRecorded.inc();
    }

    /**
     * Waits until every step recorded so far is acknowledged by Kafka (or, spilling, safely in the
     * spill file), without ending the run: e.g. before a job writes a checkpoint, so that the
     * checkpoint never runs ahead of its trajectory. Nothing to wait for before the first batch.
     *
     * @throws IllegalStateException if publishing failed
     */
    public void flush() {
        if (publisher == null || end != null) {
            return;
        }
        try {
            publisher.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the agent flushed run " + config.runId(), e);
        }
    }

    /**
     * Seconds that agents publishing to the default registry have spent on the training thread,
     * summed since the JVM started: copying the factors out and taking probe activations (both
     * parts of {@code stemma_agent_capture_seconds}). What a benchmark reads to tell the agent's
     * direct cost from the rest.
     */
    public static double captureSecondsSoFar() {
        AgentMetrics m = AgentMetrics.onDefaultRegistry();
        return m.captureSeconds.labels("factors").get().sum + m.captureSeconds.labels("activations").get().sum;
    }

    @Override
    public void onTrainingEnd(Trainer trainer) {
        finish(EndOfRun.Status.COMPLETED);
    }

    @Override
    public void onEpoch(Trainer trainer) {
        // Steps, not epochs, are the unit of recording.
    }

    @Override
    public void onValidationBatch(Trainer trainer, BatchData batchData) {
        // Validation changes no weight; nothing to record.
    }

    /** Steps captured so far. */
    public long stepsRecorded() {
        return stepsRecorded;
    }

    /** The end-of-run record sent, with the final digest; null before training ended. */
    public EndOfRun endOfRun() {
        return end;
    }

    /** Ends the run as cancelled if training did not end normally, and releases everything. */
    @Override
    public void close() {
        if (publisher != null && end == null) {
            finish(EndOfRun.Status.CANCELLED);
        }
    }

    private void finish(EndOfRun.Status status) {
        if (publisher == null || end != null) {
            return;
        }
        try {
            end = publisher.finish(status);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the agent flushed run " + config.runId(), e);
        } finally {
            publisher.close();
            if (probes != null) {
                probes.close();
            }
        }
    }

    private static float evaluateLoss(Trainer trainer, BatchData batchData) {
        if (batchData == null || batchData.getLabels() == null || batchData.getLabels().isEmpty()) {
            return Float.NaN;
        }
        float sum = 0;
        int n = 0;
        for (Map.Entry<Device, NDList> e : batchData.getLabels().entrySet()) {
            NDList preds = batchData.getPredictions().get(e.getKey());
            try (NDArray l = trainer.getLoss().evaluate(e.getValue(), preds)) {
                sum += l.getFloat();
                n++;
            }
        }
        return sum / n;
    }

    private RunManifest manifest() {
        Map<String, String> cfg = new LinkedHashMap<>(config.provenance().config());
        cfg.putAll(config.describe());
        List<RunManifest.TensorShape> shapes = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : model.adapterTensors().entrySet()) {
            shapes.add(new RunManifest.TensorShape(e.getKey(), DType.FLOAT32, intShape(e.getValue())));
        }
        Engine engine = Engine.getInstance();
        SoftwareVersions versions = new SoftwareVersions(System.getProperty("java.version"), Engine.getDjlVersion(),
                engine.getEngineName() + " " + engine.getVersion(), StemmaVersion.current());
        return new RunManifest(config.runId(), Instant.now(), config.provenance().seed(), versions,
                config.provenance().baseModelSha256(), config.provenance().datasetSha256(), cfg, model.concepts(),
                probes == null ? List.of() : probes.specs(), shapes);
    }

    private static int[] intShape(NDArray array) {
        long[] shape = array.getShape().getShape();
        int[] s = new int[shape.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.toIntExact(shape[i]);
        }
        return s;
    }
}
