package dev.stemma.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * The deployment files of the repository (docker-compose.yml, configs/) and what the tests that
 * check them share: where the repository is, how YAML is read, which commands are still being
 * built.
 */
final class DeployFiles {
    /** The repository root: tests run in the {@code cli} module directory. */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /**
     * Commands that deployment files already name but that are still being built, each with the
     * reason. While such a command is missing from {@link Stemma}, what names it is not parsed;
     * once it is registered, it is checked like every other command, without touching this
     * list (remove its entry then).
     */
    static final Map<String, String> PENDING_COMMANDS = Map.of(
            "serve", "the analyzer's HTTP server (issue 8, part 1) is being built",
            "demo", "the embedded demo (issue 8) comes after compose and serve");

    private DeployFiles() {}

    /**
     * Reads a YAML file with SnakeYAML (the parser under Jackson's YAML module), which, unlike
     * Jackson's tree model, resolves anchors, aliases and merge keys as Compose does.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(Path file) throws IOException {
        Object root = new Yaml().load(Files.readString(file));
        if (!(root instanceof Map)) {
            throw new AssertionError(file + " is not a YAML map");
        }
        return (Map<String, Object>) root;
    }

    /** The {@code stemma} command line, configured as {@code main} configures it. */
    static CommandLine stemma() {
        CommandLine cl = Stemma.commandLine();
        cl.setOverwrittenOptionsAllowed(true); // a --config file first, the command line after, as YamlConfig does
        return cl;
    }

    /** Whether {@code stemma NAME} exists; false for a pending command not built yet. */
    static boolean exists(String command) {
        boolean present = stemma().getSubcommands().containsKey(command);
        if (!present && !PENDING_COMMANDS.containsKey(command)) {
            throw new AssertionError("'stemma " + command + "' is not a command and not pending (commands: "
                    + stemma().getSubcommands().keySet() + ")");
        }
        return present;
    }
}
