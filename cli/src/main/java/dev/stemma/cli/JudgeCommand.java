package dev.stemma.cli;

import dev.stemma.trainer.FidelityJudge;
import dev.stemma.trainer.StemmaTrainer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stemma judge}: trains the fidelity judge (a small CNN classifier) and reports its test accuracy. */
@Command(name = "judge", mixinStandardHelpOptions = true,
        description = {"Trains the fidelity judge, a small CNN classifier that scores generations.",
                "Trains on an IDX dataset's training split, prints its accuracy per class on the test split as JSON,",
                "and saves DIR/judge.params and DIR/judge.json."})
final class JudgeCommand implements Callable<Integer> {

    @Option(names = "--data", defaultValue = DataOption.AUTO, paramLabel = "SPEC",
            description = "An idx:DIR dataset with a test split (default: ${DEFAULT-VALUE}: " + DataOption.AUTO_TEXT + ").")
    String data;

    @Option(names = "--out", defaultValue = "models/judge-fmnist", paramLabel = "DIR",
            description = "Where the judge goes (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--epochs", defaultValue = "" + FidelityJudge.DEFAULT_EPOCHS, paramLabel = "N",
            description = "Training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "7", paramLabel = "N", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs " + epochs + " must be at least 1");
        }
        System.out.println(StemmaTrainer.trainJudge(DataOption.resolve(data), epochs, seed, out, Progress::log));
        return 0;
    }
}
