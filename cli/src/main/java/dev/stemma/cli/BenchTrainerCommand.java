package dev.stemma.cli;

import dev.stemma.trainer.StemmaTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stemma bench trainer}: the trainer's speed and the default customisation's fidelity, as JSON. */
@Command(name = "trainer", mixinStandardHelpOptions = true,
        description = {"The trainer: ms/step (batch 32, 64; base, LoRA), DDIM images/s, peak RSS, and the default",
                "customisation's time and fidelity (judge's share of samples of the intended class) against the bars."})
final class BenchTrainerCommand implements Callable<Integer> {

    @Option(names = "--base", defaultValue = "models/base-fmnist6", paramLabel = "DIR",
            description = "Base model (default: ${DEFAULT-VALUE}).")
    Path base;

    @Option(names = "--judge", defaultValue = "models/judge-fmnist", paramLabel = "DIR",
            description = "Fidelity judge (default: ${DEFAULT-VALUE}).")
    Path judge;

    @Option(names = "--data", defaultValue = DataOption.AUTO, paramLabel = "SPEC",
            description = "Dataset with a test split (default: ${DEFAULT-VALUE}: " + DataOption.AUTO_TEXT + ").")
    String data;

    @Option(names = "--samples", defaultValue = "50", paramLabel = "N",
            description = "Samples judged per class and concept (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--grid", defaultValue = "docs/trainer-samples.png", paramLabel = "FILE",
            description = "PNG grid of samples, one row per class and concept (default: ${DEFAULT-VALUE}).")
    Path grid;

    @Option(names = "--work", defaultValue = "stemma-data/bench", paramLabel = "DIR",
            description = "Scratch directory for the benchmark's adapter (default: ${DEFAULT-VALUE}).")
    Path work;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the JSON here (default: stdout only).")
    Path json;

    @Option(names = "--skip-speed", defaultValue = "false", description = "Skip the speed figures (default: ${DEFAULT-VALUE}).")
    boolean skipSpeed;

    @Option(names = "--skip-fidelity", defaultValue = "false",
            description = "Skip the customisation and fidelity figures (default: ${DEFAULT-VALUE}).")
    boolean skipFidelity;

    @Override
    public Integer call() throws Exception {
        if (samples < 1) {
            throw new IllegalArgumentException("--samples " + samples + " must be at least 1");
        }
        Files.createDirectories(work);
        String result = StemmaTrainer.benchmark(base, judge, DataOption.resolve(data), samples, grid, work, !skipSpeed,
                !skipFidelity, Progress::log);
        System.out.println(result);
        if (json != null) {
            Files.writeString(json, result + "\n");
        }
        return 0;
    }
}
