package dev.stemma.collector;

import dev.stemma.protocol.EndOfRun;
import dev.stemma.protocol.RecordCodec;
import dev.stemma.protocol.SampleRecords;
import dev.stemma.protocol.StemmaRecord;
import dev.stemma.protocol.StepSnapshot;
import dev.stemma.protocol.integrity.HashChain;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A well-formed run as the agent sends it: manifest, steps 0..n-1, end record with the agent's digest. */
final class RunFixture {
    final String runId;
    final List<StepSnapshot> steps = new ArrayList<>();
    final EndOfRun end;

    RunFixture(String runId, int n) {
        this.runId = runId;
        HashChain chain = HashChain.start(runId);
        for (int s = 0; s < n; s++) {
            StepSnapshot step = SampleRecords.step(runId, s, new Random(runId.hashCode() * 31L + s));
            steps.add(step);
            chain.append(step);
        }
        end = new EndOfRun(runId, n, EndOfRun.Status.COMPLETED, Instant.ofEpochSecond(1_790_000_000L), chain.digest());
    }

    String digestHex() {
        return end.finalDigestHex();
    }

    List<StemmaRecord> records() {
        List<StemmaRecord> all = new ArrayList<>();
        all.add(SampleRecords.manifest(runId));
        all.addAll(steps);
        all.add(end);
        return all;
    }

    static List<IncomingRecord> incoming(List<? extends StemmaRecord> records) {
        List<IncomingRecord> in = new ArrayList<>();
        for (StemmaRecord r : records) {
            in.add(raw(RecordCodec.encode(r)));
        }
        return in;
    }

    static IncomingRecord raw(byte[] value) {
        return new IncomingRecord(null, value, "test", 0, 0);
    }
}
