package dev.stemma.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code stemma bench}: measured figures, printed as JSON, one subcommand per component. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures a component and prints the figures as JSON.",
        subcommands = {BenchTrainerCommand.class, BenchAgentCommand.class, BenchCollectorCommand.class,
                BenchAnalyzerCommand.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name what to measure, e.g. 'stemma bench collector'");
    }
}
