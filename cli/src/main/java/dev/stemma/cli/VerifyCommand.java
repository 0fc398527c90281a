package dev.stemma.cli;

import dev.stemma.collector.TrajectoryStore;
import dev.stemma.collector.VerifyReport;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stemma verify}: recomputes each run's hash chain from the stored records. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Recomputes the hash chain of each run from its stored records, names the first record that differs,"
                + " and prints the final digest beside the digest of the run's end-of-run record (sent by the agent).",
                "Exit code 0 if every run checked matches, 1 on any mismatch, 2 on bad input."})
final class VerifyCommand implements Callable<Integer> {

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "Store directory.")
    Path store;

    @Option(names = "--run", paramLabel = "ID", description = "Run to check (default: every run in the store).")
    String run;

    @Override
    public Integer call() {
        try (TrajectoryStore trajectoryStore = TrajectoryStore.openReadOnly(store)) {
            List<String> runs = run != null ? List.of(run) : trajectoryStore.runs();
            if (runs.isEmpty()) {
                System.out.println("store " + store + " holds no runs");
                return 0;
            }
            boolean allPassed = true;
            for (String r : runs) {
                VerifyReport report = trajectoryStore.verify(r);
                print(report, System.out);
                allPassed &= report.passed();
            }
            return allPassed ? 0 : Stemma.EXIT_FAILURE;
        }
    }

    static void print(VerifyReport report, PrintStream out) {
        out.println("run " + report.runId() + ": " + report.steps() + " steps, "
                + (report.passed() ? "OK" : "MISMATCH"));
        report.firstMismatch().ifPresent(m -> out.println("  first difference: " + m));
        out.println("  final digest:      " + report.finalDigestHex());
        if (report.endDigestHex().isPresent()) {
            out.println("  end-of-run digest: " + report.endDigestHex().get() + " ("
                    + (report.endDigestMatches() ? "matches" : "DIFFERS") + "; the agent counted " + report.endStepCount()
                    + " steps)");
        } else {
            out.println("  end-of-run digest: none stored (run not finished, or its end record not collected yet)");
        }
        out.flush();
    }
}
