package dev.stemma.agent;

import dev.stemma.protocol.EndOfRun;
import dev.stemma.protocol.NamedTensor;
import dev.stemma.protocol.ProbeActivation;
import dev.stemma.protocol.RecordCodec;
import dev.stemma.protocol.RunManifest;
import dev.stemma.protocol.StepSnapshot;
import dev.stemma.protocol.Tensor;
import dev.stemma.protocol.Topics;
import dev.stemma.protocol.integrity.HashChain;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The agent's own thread: turns captured steps into records, chains them, encodes them and hands
 * them to the sink, in step order. Memory is bounded by a byte budget: the training thread takes
 * budget when it submits a capture and gets it back when Kafka acknowledged the record (or, with
 * {@link AgentConfig.Backpressure#SPILL}, when the record is safely in the spill file). With
 * {@link AgentConfig.Backpressure#BLOCK}, a slow or absent broker therefore holds training
 * rather than losing a step.
 */
final class SnapshotPublisher implements AutoCloseable {
    private static final Object END = new Object();
    private static final int KIB = 1024;

    private final AgentConfig config;
    private final RecordSink sink;
    private final AgentMetrics metrics;
    private final HashChain chain;
    private final Semaphore budgetKib;
    private final int capacityKib;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong inFlightBytes = new AtomicLong();
    private final SpillLog spill;
    private final Thread thread;
    private long stepsChained;
    private volatile EndOfRun end;

    SnapshotPublisher(AgentConfig config, RecordSink sink, AgentMetrics metrics) throws IOException {
        this.config = config;
        this.sink = sink;
        this.metrics = metrics;
        this.chain = HashChain.start(config.runId());
        this.capacityKib = (int) Math.min(Integer.MAX_VALUE, config.queueCapacityBytes() / KIB);
        this.budgetKib = new Semaphore(capacityKib);
        this.spill = config.backpressure() == AgentConfig.Backpressure.SPILL
                ? new SpillLog(config.spillDir(), config.runId()) : null;
        this.thread = new Thread(this::run, "stemma-agent-publisher-" + config.runId());
        this.thread.setDaemon(true);
    }

    /** Sends the manifest and starts the publishing thread. */
    void start(RunManifest manifest) {
        queue.add(new Pending(manifest, 0, System.nanoTime()));
        thread.start();
    }

    /**
     * Queues a captured step. Blocks while the byte budget is spent (the broker is behind).
     *
     * @throws IllegalStateException if publishing already failed: the run cannot be recorded whole
     */
    void submit(StepCapture capture) throws InterruptedException {
        rethrowFailure();
        int kib = (int) Math.min(capacityKib, Math.max(1, capture.byteSize() / KIB));
        while (!budgetKib.tryAcquire(kib, 1, TimeUnit.SECONDS)) {
            rethrowFailure();
        }
        metrics.queueSteps.inc();
        queue.add(new Pending(capture, kib, System.nanoTime()));
    }

    /**
     * Waits until every record submitted so far is acknowledged by Kafka (with
     * {@link AgentConfig.Backpressure#SPILL}: acknowledged or safely in the spill file).
     *
     * @throws IllegalStateException if publishing failed
     */
    void flush() throws InterruptedException {
        CountDownLatch sent = new CountDownLatch(1);
        queue.add(sent);
        while (!sent.await(1, TimeUnit.SECONDS)) {
            rethrowFailure();
            if (!thread.isAlive()) {
                throw new IllegalStateException("the publisher of run " + config.runId() + " has stopped");
            }
        }
        rethrowFailure();
    }

    /**
     * Sends the end-of-run record after every step, waits until Kafka acknowledged everything,
     * and returns the end record with the chain's final digest.
     */
    EndOfRun finish(EndOfRun.Status status) throws InterruptedException {
        queue.add(new Pending(status, 0, System.nanoTime()));
        queue.add(END);
        thread.join();
        rethrowFailure();
        return end;
    }

    private void rethrowFailure() {
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("the Stemma agent could not publish run " + config.runId() + ": " + t, t);
        }
    }

    private void run() {
        try {
            while (true) {
                Object item = queue.poll(200, TimeUnit.MILLISECONDS);
                drainSpill();
                if (item == null) {
                    continue;
                }
                if (item == END) {
                    break;
                }
                if (item instanceof CountDownLatch flushed) {
                    sink.flush();
                    flushed.countDown();
                    continue;
                }
                Pending p = (Pending) item;
                byte[] bytes = encode(p);
                if (p.payload instanceof StepCapture) {
                    metrics.queueSteps.dec();
                }
                deliver(bytes, p.kib, p.capturedAt);
            }
            while (spill != null && !spill.isEmpty()) {
                drainSpill();
                Thread.sleep(50);
            }
            sink.flush();
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
            metrics.errors.inc();
        }
    }

    /** Encodes a pending record once; a step's bytes also extend the hash chain. */
    private byte[] encode(Pending p) {
        if (p.payload instanceof RunManifest m) {
            return RecordCodec.encode(m);
        }
        if (p.payload instanceof StepCapture c) {
            StepSnapshot s = toSnapshot(c);
            byte[] bytes = RecordCodec.encode(s);
            chain.append(s.step(), bytes);
            stepsChained = Math.max(stepsChained, chain.length());
            return bytes;
        }
        EndOfRun e = new EndOfRun(config.runId(), stepsChained, (EndOfRun.Status) p.payload, Instant.now(), chain.digest());
        end = e;
        return RecordCodec.encode(e);
    }

    private StepSnapshot toSnapshot(StepCapture c) {
        List<NamedTensor> factors = new ArrayList<>(c.factors().size());
        for (StepCapture.FactorCopy f : c.factors()) {
            factors.add(new NamedTensor(f.name(), Tensor.float32(f.shape(), f.values())));
        }
        List<ProbeActivation> acts = new ArrayList<>();
        for (StepCapture.ActivationBlock b : c.activations()) {
            int per = b.values().length / b.count();
            for (int i = 0; i < b.count(); i++) {
                float[] one = Arrays.copyOfRange(b.values(), i * per, (i + 1) * per);
                acts.add(new ProbeActivation(b.firstProbe() + i, b.layer(), b.timestep(), b.conditioning(), b.pooling(),
                        Tensor.fromFloats(config.activationDtype(), b.perProbeShape(), one)));
            }
        }
        return new StepSnapshot(config.runId(), c.step(), c.loss(), c.learningRate(), c.batch(), factors, acts);
    }

    private void deliver(byte[] bytes, int kib, long capturedAt) throws IOException {
        if (spill != null && (!spill.isEmpty() || inFlightBytes.get() > config.queueCapacityBytes() / 2)) {
            spill.append(bytes);
            metrics.spilledRecords.inc();
            budgetKib.release(kib); // safely on disk: training may go on
            return;
        }
        send(bytes, kib, capturedAt);
    }

    private void drainSpill() throws IOException {
        while (spill != null && !spill.isEmpty() && inFlightBytes.get() < config.queueCapacityBytes() / 4) {
            send(spill.next(), 0, System.nanoTime());
        }
    }

    private void send(byte[] bytes, int kib, long capturedAt) {
        inFlightBytes.addAndGet(bytes.length);
        metrics.queueBytes.inc(bytes.length);
        sink.send(Topics.key(config.runId()), bytes, error -> {
            inFlightBytes.addAndGet(-bytes.length);
            metrics.queueBytes.dec(bytes.length);
            budgetKib.release(kib);
            if (error != null) {
                metrics.errors.inc();
                failure.compareAndSet(null, error);
            } else {
                metrics.bytesSent.inc(bytes.length);
                metrics.sendLatency.observe((System.nanoTime() - capturedAt) / 1e9);
            }
        });
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sink.close();
        if (spill != null) {
            try {
                spill.close();
            } catch (IOException e) {
                metrics.errors.inc();
            }
        }
    }

    private record Pending(Object payload, int kib, long capturedAt) {}
}
