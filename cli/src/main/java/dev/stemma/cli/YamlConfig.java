package dev.stemma.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/**
 * {@code --config FILE}: a YAML map whose keys are a command's long option names without dashes
 * ({@code rank: 4}, {@code concepts: [Shirt, Bag]}). The command is parsed again with the file's
 * values first and the command line's after, so options given on the command line win.
 */
final class YamlConfig {
    private YamlConfig() {}

    /**
     * The file's settings as command-line arguments of {@code spec}'s command, in file order:
     * {@code --key=value}, lists joined by commas, a flag for {@code true} (its negated form,
     * {@code --no-key}, for {@code false} on a negatable option).
     */
    static List<String> args(CommandLine.Model.CommandSpec spec, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("config file " + file + " does not exist");
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("config file " + file + " is not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("config file " + file + " must be a YAML map of option: value");
        }
        List<String> args = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = "--" + e.getKey();
            CommandLine.Model.OptionSpec option = spec.findOption(name);
            if (option == null || name.equals("--config")) {
                throw new IllegalArgumentException("config file " + file + ": unknown key '" + e.getKey() + "'");
            }
            JsonNode v = e.getValue();
            if (option.arity().max() == 0) {
                if (v.asBoolean()) {
                    args.add(name);
                } else if (option.negatable()) {
                    spec.negatedOptionsMap().forEach((negated, o) -> {
                        if (o == option) {
                            args.add(negated);
                        }
                    });
                }
            } else if (v.isArray()) {
                List<String> parts = new ArrayList<>();
                v.forEach(x -> parts.add(x.asText()));
                args.add(name + "=" + String.join(",", parts));
            } else {
                args.add(name + "=" + v.asText());
            }
        }
        return args;
    }

    static int rerunWith(CommandLine.Model.CommandSpec spec, Path file) {
        List<String> all = spec.commandLine().getParseResult().originalArgs();
        // the root's arguments: keep only what follows this subcommand's name
        List<String> args = merged(spec, file, all.subList(all.indexOf(spec.name()) + 1, all.size()));
        CommandLine again = new CommandLine(spec.userObject().getClass());
        again.setOverwrittenOptionsAllowed(true);
        again.setParameterExceptionHandler(spec.commandLine().getParameterExceptionHandler());
        again.setExecutionExceptionHandler(spec.commandLine().getExecutionExceptionHandler());
        again.setOut(spec.commandLine().getOut());
        again.setErr(spec.commandLine().getErr());
        return again.execute(args.toArray(String[]::new));
    }

    /**
     * The file's arguments, then the command line's without {@code --config}. An option the
     * command line gives is dropped from the file's arguments, so that it wins for list options
     * too (given twice, picocli would append a list option's values, not replace them).
     */
    static List<String> merged(CommandLine.Model.CommandSpec spec, Path file, List<String> commandLine) {
        List<String> given = new ArrayList<>();
        Set<CommandLine.Model.OptionSpec> onCommandLine = new HashSet<>();
        for (int i = 0; i < commandLine.size(); i++) {
            String a = commandLine.get(i);
            if (a.equals("--config")) {
                i++;
            } else if (!a.startsWith("--config=")) {
                given.add(a);
                CommandLine.Model.OptionSpec o = option(spec, a);
                if (o != null) {
                    onCommandLine.add(o);
                }
            }
        }
        List<String> args = new ArrayList<>();
        for (String a : args(spec, file)) {
            if (!onCommandLine.contains(option(spec, a))) {
                args.add(a);
            }
        }
        args.addAll(given);
        return args;
    }

    /** The option an argument such as {@code --rank=4}, {@code --rank} or {@code --no-sync} names, or null. */
    private static CommandLine.Model.OptionSpec option(CommandLine.Model.CommandSpec spec, String arg) {
        if (!arg.startsWith("-")) {
            return null;
        }
        String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        CommandLine.Model.OptionSpec o = spec.findOption(name);
        return o != null ? o : spec.negatedOptionsMap().get(name);
    }
}
