package dev.stemma.cli;

import dev.stemma.cli.bench.AgentBenchRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stemma bench agent}: what recording costs training, option by option, as JSON. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"The agent: the slowdown of the default customisation with the agent recording factors only (a),",
                "probes every 10 steps (b, b1..b4) and every step (c, with variants c1..c6), measured in one customisation",
                "against a real embedded broker, each option segment between two baseline segments; medians of per-round ratios."})
final class BenchAgentCommand implements Callable<Integer> {

    @Option(names = "--base", defaultValue = "models/base-fmnist6", paramLabel = "DIR",
            description = "Base model (default: ${DEFAULT-VALUE}).")
    Path base;

    @Option(names = "--data", defaultValue = DataOption.AUTO, paramLabel = "SPEC",
            description = "Dataset (default: ${DEFAULT-VALUE}: " + DataOption.AUTO_TEXT + ").")
    String data;

    @Option(names = "--work", defaultValue = "stemma-data/bench-agent", paramLabel = "DIR",
            description = "Scratch directory for the broker and the adapter (default: ${DEFAULT-VALUE}).")
    Path work;

    @Option(names = "--rounds", defaultValue = "3", paramLabel = "N",
            description = "Rounds of baseline and options, alternated (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--segment-steps", defaultValue = "20", paramLabel = "N",
            description = "Training steps per option and round (default: ${DEFAULT-VALUE}).")
    int segmentSteps;

    @Option(names = "--warmup-steps", defaultValue = "10", paramLabel = "N",
            description = "Steps before measuring (default: ${DEFAULT-VALUE}).")
    int warmupSteps;

    @Option(names = "--probes-per-concept", defaultValue = "16", paramLabel = "N",
            description = "Training-image probes per concept; with 2 generations per concept and the 4 default"
                    + " concepts, 16 gives 72 probes (default: ${DEFAULT-VALUE}).")
    int probesPerConcept;

    @Option(names = "--only", split = ",", paramLabel = "ID",
            description = "Measure only these options: a, b, b1..b4, c, c1..c6 (default: all).")
    List<String> only = new ArrayList<>();

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the JSON here (default: stdout only).")
    Path json;

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(work);
        String result = AgentBenchRun.run(new AgentBenchRun.Settings(base, DataOption.resolve(data), work, rounds,
                warmupSteps, segmentSteps, probesPerConcept, only), Progress::log);
        System.out.println(result);
        if (json != null) {
            Files.writeString(json, result + "\n");
        }
        return 0;
    }
}
