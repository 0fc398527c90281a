package dev.stemma.analyzer.serve;

import dev.stemma.analyzer.drift.Drift;
import dev.stemma.analyzer.drift.DriftConfig;
import dev.stemma.analyzer.drift.DriftTracker;
import dev.stemma.analyzer.store.StoredProbeTrajectories;
import dev.stemma.analyzer.store.StoredRun;
import dev.stemma.collector.TrajectoryStore;
import dev.stemma.protocol.Conditioning;
import dev.stemma.protocol.RunManifest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runs of a store as they fill, refreshed by one thread: each {@link #refresh} catches up
 * with the writer, then brings every run's {@link DriftTracker} up to date, the latest run first,
 * and publishes an immutable {@link View} after each run. Request threads read only the view,
 * never the store.
 */
final class LiveRuns {
    private static final Logger LOG = LoggerFactory.getLogger(LiveRuns.class);

    /**
     * Longest a refresh computes before it publishes what it has and catches up with the store
     * again, so that the first checkpoints of a long run show while the rest are computed.
     */
    static final Duration COMPUTE_BUDGET = Duration.ofSeconds(10);

    /** What a run's drift is waiting for or why there is none. */
    enum Status { WAITING, UNAVAILABLE, COMPUTING, READY, FAILED }

    /**
     * One run as last refreshed.
     *
     * @param note  why there is no drift yet, or what failed; null when all is well
     * @param drift the drift computed so far; null before the run can be attributed
     */
    record RunState(String id, boolean finished, Instant started, Status status, String note, Drift drift) {
        int recordedSteps() {
            return drift == null ? 0 : drift.recordedSteps();
        }
    }

    /** Everything the server answers from: the runs by id and the one the metrics follow. */
    record View(Instant refreshedAt, String latest, Map<String, RunState> runs) {
        static final View EMPTY = new View(null, null, Map.of());

        View {
            runs = Collections.unmodifiableMap(new TreeMap<>(runs));
        }

        Optional<RunState> latestRun() {
            return Optional.ofNullable(latest).map(runs::get);
        }
    }

    private final TrajectoryStore store;
    private final Conditioning conditioning;
    private final DriftConfig config;
    private final DriftMetrics metrics;
    private final Map<String, DriftTracker> trackers = new HashMap<>();
    private final Map<String, String> lastFailure = new HashMap<>();
    private volatile View view = View.EMPTY;
    private volatile boolean closing;

    LiveRuns(TrajectoryStore store, Conditioning conditioning, DriftConfig config, DriftMetrics metrics) {
        this.store = store;
        this.conditioning = conditioning;
        this.config = config;
        this.metrics = metrics;
    }

    View view() {
        return view;
    }

    /** Asks a refresh under way to stop after the checkpoint it is computing. */
    void close() {
        closing = true;
    }

    /**
     * Catches up with the store and computes what is new, in slices of {@link #COMPUTE_BUDGET}
     * until no checkpoint is left; never throws (failures are counted, logged and retried at the
     * next refresh).
     */
    void refresh() {
        long start = System.nanoTime();
        try {
            while (refreshRuns(System.nanoTime() + COMPUTE_BUDGET.toNanos()) && !closing) {
                // checkpoints left: publish them as they come rather than wait for the next refresh
            }
            lastFailure.remove("");
        } catch (RuntimeException | Error e) { // an exception out of here would end the refreshes for good
            failed("", "refreshing store " + store.directory(), e);
        } finally {
            metrics.refreshed((System.nanoTime() - start) / 1e9);
        }
    }

    /** One slice: catch up, then every run, the latest first. Returns whether checkpoints are left. */
    private boolean refreshRuns(long deadline) {
        store.catchUp();
        Map<String, RunManifest> manifests = new HashMap<>();
        Map<String, Boolean> finished = new HashMap<>();
        List<String> ids = store.runs();
        for (String id : ids) {
            store.manifest(id).ifPresent(m -> manifests.put(id, m));
            finished.put(id, store.endOfRun(id).isPresent());
        }
        String latest = latest(ids, manifests, finished);
        List<String> order = new ArrayList<>(ids);
        order.sort(Comparator.comparing((String id) -> !id.equals(latest)).thenComparing(id -> id));
        Map<String, RunState> states = new TreeMap<>(view.runs());
        states.keySet().retainAll(ids);
        boolean left = false;
        for (String id : order) {
            if (closing) {
                return false;
            }
            RunState state = refreshRun(id, manifests.get(id), finished.get(id), deadline, states.get(id));
            states.put(id, state);
            left |= state.status() == Status.COMPUTING;
            publish(new View(Instant.now(), latest, states));
        }
        if (ids.isEmpty()) {
            publish(new View(Instant.now(), null, states));
        }
        return left;
    }

    private RunState refreshRun(String id, RunManifest manifest, boolean finished, long deadline, RunState previous) {
        Instant started = manifest == null ? null : manifest.startTime();
        if (manifest == null) {
            return new RunState(id, finished, null, Status.WAITING, "no manifest stored yet", null);
        }
        StoredProbeTrajectories trajectories;
        try {
            trajectories = StoredProbeTrajectories.open(store, id, conditioning);
        } catch (IllegalArgumentException e) { // not attributable (yet): too few steps, no such conditioning
            return new RunState(id, finished, started, finished ? Status.UNAVAILABLE : Status.WAITING, e.getMessage(), null);
        }
        try {
            DriftTracker tracker = trackers.computeIfAbsent(id, r -> new DriftTracker(r, config));
            Drift drift = tracker.update(new StoredRun(trajectories), () -> closing || System.nanoTime() > deadline);
            lastFailure.remove(id);
            if (drift.generatedConcepts().isEmpty()) {
                return new RunState(id, finished, started, Status.UNAVAILABLE, "the run recorded no probe generations", drift);
            }
            return new RunState(id, finished, started, drift.pending() > 0 ? Status.COMPUTING : Status.READY, null, drift);
        } catch (RuntimeException e) {
            failed(id, "computing the drift of run " + id, e);
            return new RunState(id, finished, started, Status.FAILED, oneLine(e), previous == null ? null : previous.drift());
        }
    }

    /** The run dashboards follow: one still training if any, else the one started last. */
    static String latest(List<String> ids, Map<String, RunManifest> manifests, Map<String, Boolean> finished) {
        return ids.stream()
                .filter(manifests::containsKey)
                .max(Comparator.comparing((String id) -> !finished.get(id))
                        .thenComparing(id -> manifests.get(id).startTime())
                        .thenComparing(id -> id))
                .orElse(ids.isEmpty() ? null : ids.get(ids.size() - 1));
    }

    /** Metrics first: whoever sees a run in the view finds it in the metrics too. */
    private void publish(View next) {
        metrics.show(next);
        view = next;
    }

    /** Counts every failure and logs it, once while it repeats. */
    private void failed(String key, String doing, Throwable e) {
        metrics.error(DriftMetrics.STAGE_REFRESH);
        String line = oneLine(e);
        if (!line.equals(lastFailure.put(key, line))) {
            LOG.warn("{} failed (retried at the next refresh): {}", doing, line, e);
        }
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
