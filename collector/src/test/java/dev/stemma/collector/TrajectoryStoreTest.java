package dev.stemma.collector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stemma.protocol.NamedTensor;
import dev.stemma.protocol.ProbeActivation;
import dev.stemma.protocol.SampleRecords;
import dev.stemma.protocol.StepSnapshot;
import dev.stemma.protocol.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read API the analyzer uses, over a real store holding two runs. */
class TrajectoryStoreTest {
    @TempDir
    Path dir;

    private final RunFixture first = new RunFixture("run-1", 20);
    private final RunFixture second = new RunFixture("run-2", 5);

    @BeforeEach
    void storeTwoRuns() {
        try (TrajectoryStore store = TrajectoryStore.open(dir.resolve("store"))) {
            List<IncomingRecord> all = new ArrayList<>(RunFixture.incoming(first.records()));
            all.addAll(RunFixture.incoming(second.records()));
            StoreWriterTest.write(store, all);
        }
    }

    @Test
    void shouldListRunsWithManifestAndEnd() {
        try (TrajectoryStore store = TrajectoryStore.openReadOnly(dir.resolve("store"))) {
            assertEquals(List.of("run-1", "run-2"), store.runs());
            assertEquals(SampleRecords.manifest("run-1"), store.manifest("run-1").orElseThrow());
            assertEquals(first.end, store.endOfRun("run-1").orElseThrow());
            assertTrue(store.manifest("absent").isEmpty());
        }
    }

    @Test
    void shouldReadActivationTrajectoryOverStepRangeInStepOrder() {
        ProbeActivation a = first.steps.get(0).activations().get(1);
        try (TrajectoryStore store = TrajectoryStore.openReadOnly(dir.resolve("store"));
             StoreIterator<StepValue<Tensor>> it = store.activationTrajectory("run-1", a.probeId(), a.layer(), a.timestep(),
                     a.conditioning(), a.pooling(), 5, 12)) {
            long expected = 5;
            while (it.hasNext()) {
                StepValue<Tensor> v = it.next();
                assertEquals(expected, v.step());
                ProbeActivation sent = first.steps.get((int) expected).activations().get(1);
                assertEquals(sent.values(), v.value());
                expected++;
            }
            assertEquals(12, expected, "steps 5 to 11, the range is half-open");
        }
    }

    @Test
    void shouldListSeriesAndFactorNames() {
        try (TrajectoryStore store = TrajectoryStore.openReadOnly(dir.resolve("store"))) {
            assertEquals(List.of("down1.conv/lora_a", "down1.conv/lora_b"), store.factorNames("run-1"));
            List<ActivationSeries> series = store.activationSeries("run-1");
            assertEquals(2, series.size());
            assertEquals(0, series.get(0).probeId());
            assertEquals("up1", series.get(0).layer());
        }
    }

    @Test
    void shouldReadFactorsAtStepAndFactorTrajectory() {
        StepSnapshot sent = first.steps.get(7);
        try (TrajectoryStore store = TrajectoryStore.openReadOnly(dir.resolve("store"))) {
            List<NamedTensor> at = new ArrayList<>();
            try (StoreIterator<NamedTensor> it = store.factorsAt("run-1", 7)) {
                it.forEachRemaining(at::add);
            }
            assertEquals(sent.factors(), at);
            try (StoreIterator<StepValue<Tensor>> it = store.factorTrajectory("run-1", "down1.conv/lora_b", 0, Long.MAX_VALUE)) {
                int n = 0;
                while (it.hasNext()) {
                    StepValue<Tensor> v = it.next();
                    assertEquals(first.steps.get(n).factor("down1.conv/lora_b").value(), v.value());
                    n++;
                }
                assertEquals(20, n);
            }
        }
    }

    @Test
    void shouldRebuildSnapshotsThatEqualWhatWasSent() {
        try (TrajectoryStore store = TrajectoryStore.openReadOnly(dir.resolve("store"));
             StoreIterator<StepSnapshot> it = store.snapshots("run-2", 0, Long.MAX_VALUE)) {
            List<StepSnapshot> rebuilt = new ArrayList<>();
            it.forEachRemaining(rebuilt::add);
            assertEquals(second.steps, rebuilt);
        }
    }

    @Test
    void shouldReadMetricsWithoutTensors() {
        try (TrajectoryStore store = TrajectoryStore.openReadOnly(dir.resolve("store"));
             StoreIterator<StepSnapshot> it = store.metrics("run-1", 18, 100)) {
            StepSnapshot m = it.next();
            assertEquals(18, m.step());
            assertEquals(first.steps.get(18).loss(), m.loss());
            assertEquals(first.steps.get(18).batch(), m.batch());
            assertTrue(m.factors().isEmpty());
            assertEquals(19, it.next().step());
            assertFalse(it.hasNext());
        }
    }

    @Test
    void shouldExportOneRunIntoStoreThatVerifies() throws Exception {
        Path out = dir.resolve("export");
        try (TrajectoryStore store = TrajectoryStore.openReadOnly(dir.resolve("store"))) {
            VerifyReport copied = store.exportRun("run-1", out);
            assertTrue(copied.passed(), copied.toString());
            assertEquals(first.digestHex(), copied.finalDigestHex());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.exportRun("run-1", out));
            assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        }
        try (TrajectoryStore copy = TrajectoryStore.openReadOnly(out)) {
            assertEquals(List.of("run-1"), copy.runs());
            assertTrue(copy.verify("run-1").passed());
            assertArrayEquals(first.end.finalDigest(), copy.endOfRun("run-1").orElseThrow().finalDigest());
        }
        assertTrue(Files.isDirectory(out));
    }
}
