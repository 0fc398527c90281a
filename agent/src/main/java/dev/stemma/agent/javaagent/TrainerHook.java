package dev.stemma.agent.javaagent;

import ai.djl.Device;
import ai.djl.training.TrainingConfig;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.PairList;
import dev.stemma.agent.AgentConfig;
import dev.stemma.agent.StemmaAgent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Called from the instrumented {@code Trainer} constructor (so it must be public): wraps the
 * job's training config in one whose listeners include a new agent. Agents that training did not
 * end are ended as cancelled when the JVM exits, so their records are flushed.
 */
public final class TrainerHook {
    private static volatile AgentConfig base;
    private static final AtomicInteger TRAINERS = new AtomicInteger();
    private static final List<StemmaAgent> AGENTS = new CopyOnWriteArrayList<>();

    private TrainerHook() {}

    static void install(AgentConfig config) {
        base = config;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> AGENTS.forEach(StemmaAgent::close),
                "stemma-javaagent-shutdown"));
    }

    /** The job's config plus an agent for this trainer's run. */
    public static TrainingConfig attach(TrainingConfig config) {
        AgentConfig b = base;
        if (b == null || config instanceof WithAgent) {
            return config;
        }
        int n = TRAINERS.incrementAndGet();
        StemmaAgent agent = StemmaAgent.from(n == 1 ? b : b.withRunId(b.runId() + "-" + n));
        AGENTS.add(agent);
        return new WithAgent(config, agent);
    }

    /** A training config that delegates everything and adds one listener. */
    private static final class WithAgent implements TrainingConfig {
        private final TrainingConfig delegate;
        private final List<TrainingListener> listeners;

        WithAgent(TrainingConfig delegate, TrainingListener agent) {
            this.delegate = delegate;
            List<TrainingListener> l = new ArrayList<>(delegate.getTrainingListeners());
            l.add(agent);
            this.listeners = l;
        }

        @Override
        public Device[] getDevices() {
            return delegate.getDevices();
        }

        @Override
        public PairList<Initializer, Predicate<ai.djl.nn.Parameter>> getInitializers() {
            return delegate.getInitializers();
        }

        @Override
        public Optimizer getOptimizer() {
            return delegate.getOptimizer();
        }

        @Override
        public Loss getLossFunction() {
            return delegate.getLossFunction();
        }

        @Override
        public ExecutorService getExecutorService() {
            return delegate.getExecutorService();
        }

        @Override
        public List<Evaluator> getEvaluators() {
            return delegate.getEvaluators();
        }

        @Override
        public List<TrainingListener> getTrainingListeners() {
            return listeners;
        }
    }
}
