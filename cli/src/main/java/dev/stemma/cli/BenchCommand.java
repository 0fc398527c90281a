package dev.stemma.cli;

import dev.stemma.trainer.StemmaTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stemma bench trainer}: measured figures as JSON. Other targets arrive with their issues. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measures a part of Stemma and prints its figures as JSON.",
                "trainer: ms/step (batch 32, 64; base, LoRA), DDIM images/s, peak RSS, and the default",
                "customisation's time and fidelity (judge's share of samples of the intended class) against the bars.",
                "agent: the slowdown of training with the agent recording factors only, probes every 10 steps and every",
                "step (with variants), measured in one customisation against a real embedded broker."})
final class BenchCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "TARGET", description = "What to measure: trainer, agent.")
    String target;

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

    @Option(names = "--rounds", defaultValue = "3", paramLabel = "N",
            description = "agent: rounds of baseline and options, alternated (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--segment-steps", defaultValue = "20", paramLabel = "N",
            description = "agent: training steps per option and round (default: ${DEFAULT-VALUE}).")
    int segmentSteps;

    @Option(names = "--warmup-steps", defaultValue = "10", paramLabel = "N",
            description = "agent: steps before measuring (default: ${DEFAULT-VALUE}).")
    int warmupSteps;

    @Option(names = "--probes-per-concept", defaultValue = "16", paramLabel = "N",
            description = "agent: training-image probes per concept; with 2 generations per concept and the 4"
                    + " default concepts, 16 gives 72 probes (default: ${DEFAULT-VALUE}).")
    int probesPerConcept;

    @Option(names = "--only", split = ",", paramLabel = "ID",
            description = "agent: measure only these options (a, b, c, c1..c5; default: all).")
    java.util.List<String> only = new java.util.ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if ("agent".equals(target)) {
            Files.createDirectories(work);
            String result = dev.stemma.cli.bench.AgentBenchRun.run(new dev.stemma.cli.bench.AgentBenchRun.Settings(
                    base, DataOption.resolve(data), work, rounds, warmupSteps, segmentSteps, probesPerConcept, only),
                    Progress::log);
            System.out.println(result);
            if (json != null) {
                Files.writeString(json, result + "\n");
            }
            return 0;
        }
        if (!"trainer".equals(target)) {
            throw new IllegalArgumentException("bench target '" + target + "' is not one of: trainer, agent");
        }
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
