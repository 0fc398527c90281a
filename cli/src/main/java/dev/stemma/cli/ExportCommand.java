package dev.stemma.cli;

import dev.stemma.collector.TrajectoryStore;
import dev.stemma.collector.VerifyReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stemma export}: a consistent copy of one run, for auditors. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Copies every record and chain link of one run, from one consistent RocksDB snapshot, into a new store"
                + " at --out (which must not exist or be empty), then verifies the copy.",
                "Works while a collector writes the source store."})
final class ExportCommand implements Callable<Integer> {

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "Source store directory.")
    Path store;

    @Option(names = "--run", required = true, paramLabel = "ID", description = "Run to export.")
    String run;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "New store directory for the copy.")
    Path out;

    @Override
    public Integer call() {
        try (TrajectoryStore source = TrajectoryStore.openReadOnly(store)) {
            VerifyReport copy = source.exportRun(run, out);
            System.out.println("exported run " + run + " to " + out.toAbsolutePath());
            VerifyCommand.print(copy, System.out);
            return copy.passed() ? 0 : Stemma.EXIT_FAILURE;
        }
    }
}
