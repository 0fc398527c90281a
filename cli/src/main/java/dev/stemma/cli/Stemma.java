package dev.stemma.cli;

import dev.stemma.protocol.StemmaVersion;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code stemma} command: one subcommand per job (see ARCHITECTURE.md, "The command line").
 * Exit codes: 0 success, 1 failure while running, 2 bad input.
 */
@Command(name = "stemma",
        mixinStandardHelpOptions = true,
        versionProvider = Stemma.Version.class,
        description = "Says where a generated image comes from, from what was recorded while its model was customised.",
        subcommands = {BrokerCommand.class, PretrainCommand.class, TrainCommand.class, SampleCommand.class,
                CollectCommand.class, AttributeCommand.class, EvaluateCommand.class, ServeCommand.class, DatasetCommand.class, DemoCommand.class,
                VerifyCommand.class, ExportCommand.class, ReplayCommand.class, JudgeCommand.class,
                BenchCommand.class, CommandLine.HelpCommand.class})
public final class Stemma implements Runnable {

    /** Exit code for bad input: an unknown option, a missing file, an invalid value. */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit code for a failure while running. */
    public static final int EXIT_FAILURE = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code, without exiting: what tests call. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line, with the error handling every subcommand shares. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Stemma());
        cl.setParameterExceptionHandler(Stemma::badInput);
        cl.setExecutionExceptionHandler(Stemma::failure);
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static int badInput(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("stemma: " + e.getMessage() + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
        return EXIT_BAD_INPUT;
    }

    private static int failure(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (e instanceof IllegalArgumentException || e instanceof java.nio.file.NoSuchFileException) {
            err.println("stemma " + cl.getCommandName() + ": " + oneLine(e));
            return EXIT_BAD_INPUT;
        }
        err.println("stemma " + cl.getCommandName() + ": " + oneLine(e));
        if (Boolean.getBoolean("stemma.debug")) {
            e.printStackTrace(err);
        }
        return EXIT_FAILURE;
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl) + " (more with -Dstemma.debug=true)";
    }

    /** Prints Stemma's version and the Java it runs on. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"stemma " + StemmaVersion.current(),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
