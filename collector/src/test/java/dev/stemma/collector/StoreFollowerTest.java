package dev.stemma.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stemma.protocol.StepSnapshot;
import dev.stemma.protocol.store.ColumnFamily;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.FlushOptions;

/** A reader that follows a store while a writer, kept open as the collector keeps it, fills it. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StoreFollowerTest {
    @TempDir
    Path dir;

    @Test
    void shouldSeeStepsWrittenAfterOpeningOnceCaughtUp() throws Exception {
        RunFixture run = new RunFixture("live", 30);
        List<IncomingRecord> records = RunFixture.incoming(run.records()); // manifest, 30 steps, end
        Path storeDir = dir.resolve("store");
        CountDownLatch firstHalfWritten = new CountDownLatch(1);
        CountDownLatch followerOpened = new CountDownLatch(1);
        ExecutorService writerThread = Executors.newSingleThreadExecutor();
        try (TrajectoryStore writer = TrajectoryStore.open(storeDir)) {
            Future<?> writing = writerThread.submit(() -> {
                StoreWriterTest.write(writer, records.subList(0, 16)); // manifest and steps 0..14
                firstHalfWritten.countDown();
                followerOpened.await();
                for (int i = 16; i < records.size(); i++) {
                    StoreWriterTest.write(writer, records.subList(i, i + 1)); // one poll per step, as the collector does
                    if (i == 24) { // some steps reach the follower through SST files, the rest through the WAL
                        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                            writer.handles().db().flush(flush, new ArrayList<>(List.of(
                                    writer.handles().cf(ColumnFamily.METRICS), writer.handles().cf(ColumnFamily.ACTIVATIONS))));
                        }
                    }
                }
                return null;
            });
            assertTrue(firstHalfWritten.await(1, TimeUnit.MINUTES));
            try (TrajectoryStore snapshot = TrajectoryStore.openReadOnly(storeDir);
                 TrajectoryStore follower = TrajectoryStore.openFollower(storeDir, dir.resolve("scratch"))) {
                assertEquals(15, stepCount(follower), "what the writer wrote before the follower opened");
                followerOpened.countDown();
                writing.get(1, TimeUnit.MINUTES);

                assertEquals(15, stepCount(follower), "nothing new before catching up");
                follower.catchUp();
                assertEquals(30, stepCount(follower));
                assertTrue(follower.endOfRun("live").isPresent(), "the end record too");
                assertThrows(IllegalStateException.class, () -> follower.verify("live"),
                        "a secondary instance has no snapshot to verify a chain in");
                assertEquals(15, stepCount(snapshot), "a read-only store keeps the view it opened with");
            }
        } finally {
            writerThread.shutdownNow();
        }
    }

    @Test
    void shouldRefuseToCatchUpOnStoreNotOpenedAsFollower() {
        try (TrajectoryStore store = TrajectoryStore.open(dir.resolve("store"))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, store::catchUp);
            assertTrue(e.getMessage().contains("not opened as a follower"), e.getMessage());
        }
    }

    @Test
    void shouldRefuseToFollowDirectoryWithoutStore() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrajectoryStore.openFollower(dir.resolve("absent"), dir.resolve("scratch")));
        assertTrue(e.getMessage().contains("no Stemma store"), e.getMessage());
    }

    private static int stepCount(TrajectoryStore store) {
        int n = 0;
        try (StoreIterator<StepSnapshot> it = store.metrics("live", 0, Long.MAX_VALUE)) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }
}
