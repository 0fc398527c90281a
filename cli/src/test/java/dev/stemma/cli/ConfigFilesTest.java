package dev.stemma.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The run configs under {@code configs/} (YAML, keys = a command's long options without
 * {@code --}): every key is an option of its command, every file turns into arguments that the
 * command accepts (through {@link YamlConfig}, as {@code --config} reads it), and every key's
 * documented default, the {@code # default: VALUE} line above it, is the one the option has.
 */
class ConfigFilesTest {
    static final Path CONFIGS = DeployFiles.ROOT.resolve("configs");

    /** Each run config and the command whose options are its keys. */
    static final Map<String, String> COMMANDS = Map.of(
            "train.yaml", "train",
            "collector.yaml", "collect",
            "analyzer.yaml", "attribute",
            "serve.yaml", "serve",
            "demo.yaml", "demo");

    @TempDir
    Path dir;

    @Test
    void shouldKnowTheCommandOfEveryConfigFile() throws IOException {
        try (Stream<Path> files = Files.list(CONFIGS)) {
            TreeSet<String> yaml = new TreeSet<>(files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".yaml") || n.endsWith(".yml")).toList());
            assertEquals(new TreeSet<>(COMMANDS.keySet()), yaml);
        }
    }

    @Test
    void shouldTurnEveryConfigFileIntoOptionsItsCommandAccepts() {
        for (Map.Entry<String, String> e : COMMANDS.entrySet()) {
            if (!DeployFiles.exists(e.getValue())) {
                continue; // pending: checked once the command is registered
            }
            CommandLine cl = DeployFiles.stemma();
            CommandLine.Model.CommandSpec spec = cl.getSubcommands().get(e.getValue()).getCommandSpec();
            List<String> args = new ArrayList<>(List.of(e.getValue()));
            args.addAll(YamlConfig.args(spec, CONFIGS.resolve(e.getKey()))); // an unknown key throws here
            for (CommandLine.Model.OptionSpec o : spec.requiredArgs().stream()
                    .filter(CommandLine.Model.OptionSpec.class::isInstance).map(CommandLine.Model.OptionSpec.class::cast).toList()) {
                if (args.stream().noneMatch(a -> a.startsWith(o.longestName() + "="))) {
                    args.add(o.longestName() + "=placeholder"); // a required option the file leaves to the command line
                }
            }
            cl.parseArgs(args.toArray(String[]::new)); // a value of the wrong type throws here
        }
    }

    @Test
    void shouldDocumentEveryKeyWithTheDefaultOfItsOption() throws IOException {
        Pattern key = Pattern.compile("^([a-z][a-z0-9-]*):.*");
        for (Map.Entry<String, String> e : COMMANDS.entrySet()) {
            List<String> lines = Files.readAllLines(CONFIGS.resolve(e.getKey()));
            boolean command = DeployFiles.exists(e.getValue());
            CommandLine.Model.CommandSpec spec = command
                    ? DeployFiles.stemma().getSubcommands().get(e.getValue()).getCommandSpec() : null;
            int keys = 0;
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = key.matcher(lines.get(i));
                if (!m.matches()) {
                    continue;
                }
                keys++;
                String where = e.getKey() + ":" + (i + 1) + " '" + m.group(1) + "'";
                String doc = i > 0 ? lines.get(i - 1).trim() : "";
                assertTrue(doc.matches("# (default: .+|required)") && i > 1 && lines.get(i - 2).startsWith("#"),
                        where + ": document it with a description and then '# default: VALUE' or '# required' just above");
                if (spec == null) {
                    continue; // pending command: documented, not yet checkable
                }
                CommandLine.Model.OptionSpec option = spec.findOption("--" + m.group(1));
                assertNotNull(option, where + " is not an option of 'stemma " + e.getValue() + "'");
                if (option.required() || String.join(" ", option.description()).contains("(required)")) {
                    assertEquals("# required", doc, where);
                } else if (option.defaultValue() == null) {
                    assertTrue(doc.startsWith("# default: none"), where + " has no default: say '# default: none (...)'");
                } else {
                    assertEquals("# default: " + option.defaultValue(), doc, where + ": the documented default");
                }
            }
            assertTrue(keys > 0, e.getKey() + " sets nothing");
        }
    }

    @Test
    void shouldPassFalseForANegatableFlagAsItsNegatedForm() throws IOException {
        Path file = dir.resolve("collector.yaml");
        Files.writeString(file, "store: somewhere\nsync: false\n");
        CommandLine cl = DeployFiles.stemma();
        List<String> args = YamlConfig.args(cl.getSubcommands().get("collect").getCommandSpec(), file);
        assertEquals(List.of("--store=somewhere", "--no-sync"), args);
        List<String> all = new ArrayList<>(List.of("collect"));
        all.addAll(args);
        assertEquals(false, ComposeFileTest.value(cl.parseArgs(all.toArray(String[]::new)).subcommand(), "--sync"));
    }

    @Test
    void shouldLetTheCommandLineReplaceAnOptionOfTheFileListsIncluded() throws IOException {
        Path file = dir.resolve("train.yaml");
        Files.writeString(file, "concepts: [Shirt, Bag]\nrank: 4\ntimesteps: [100, 200]\n");
        CommandLine cl = DeployFiles.stemma();
        CommandLine.Model.CommandSpec spec = cl.getSubcommands().get("train").getCommandSpec();
        List<String> args = new ArrayList<>(List.of("train"));
        args.addAll(YamlConfig.merged(spec, file, List.of("--concepts", "Sneaker", "--config", file.toString(), "--timesteps=600")));
        CommandLine.ParseResult parsed = cl.parseArgs(args.toArray(String[]::new)).subcommand();
        assertEquals(List.of("Sneaker"), ComposeFileTest.value(parsed, "--concepts"), "replaced, not appended");
        assertEquals(List.of(600), ComposeFileTest.value(parsed, "--timesteps"));
        assertEquals(4, ComposeFileTest.value(parsed, "--rank"), "from the file");
    }

    @Test
    void shouldReadCollectConfigAndLetTheCommandLineWin() throws IOException {
        Path file = dir.resolve("collector.yaml");
        Files.writeString(file, "store: " + dir.resolve("store") + "\nmetrics-port: 70000\n");
        // The port is checked before any broker or store is touched, so a bad one shows which value won.
        StringWriter err = new StringWriter();
        CommandLine cl = Stemma.commandLine();
        cl.setErr(new PrintWriter(err, true));
        assertEquals(Stemma.EXIT_BAD_INPUT, cl.execute("collect", "--config", file.toString()));
        assertTrue(err.toString().contains("got 70000"), err.toString());

        StringWriter err2 = new StringWriter();
        CommandLine cl2 = Stemma.commandLine();
        cl2.setErr(new PrintWriter(err2, true));
        assertEquals(Stemma.EXIT_BAD_INPUT, cl2.execute("collect", "--config", file.toString(), "--metrics-port", "-7"));
        assertTrue(err2.toString().contains("got -7"), err2.toString());
        assertFalse(Files.exists(dir.resolve("store")), "nothing was opened");

        StringWriter err3 = new StringWriter();
        CommandLine cl3 = Stemma.commandLine();
        cl3.setErr(new PrintWriter(err3, true));
        assertEquals(Stemma.EXIT_BAD_INPUT, cl3.execute("collect", "--metrics-port", "0"), "--store is still required");
        assertTrue(err3.toString().startsWith("stemma: Missing required option: '--store=DIR'"), err3.toString());
    }

    @Test
    void shouldRefuseADemoTooShortToAttributeBeforeTouchingAnything() {
        StringWriter err = new StringWriter();
        CommandLine cl = Stemma.commandLine();
        cl.setErr(new PrintWriter(err, true));
        assertEquals(Stemma.EXIT_BAD_INPUT, cl.execute("demo", "--dir", dir.resolve("demo").toString(), "--steps", "30"));
        assertTrue(err.toString().contains("give at least " + DemoCommand.MIN_STEPS), err.toString());
        assertFalse(Files.exists(dir.resolve("demo")), "nothing was written");
    }
}
