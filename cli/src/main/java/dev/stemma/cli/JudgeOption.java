package dev.stemma.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code --judge DIR|none} option of the commands that can use the fidelity judge's embedding. */
final class JudgeOption {

    /** The judge shipped with the project (trained on all ten Fashion-MNIST classes). */
    static final String DEFAULT = "models/judge-fmnist";

    private JudgeOption() {
    }

    /**
     * The judge directory, or null for {@code none} and for the default when it is not there (a
     * judge named explicitly but missing is refused later, by the method that needs it).
     */
    static Path resolve(String value) {
        if (value == null || value.equalsIgnoreCase("none")) {
            return null;
        }
        Path dir = Path.of(value);
        if (value.equals(DEFAULT) && !Files.isDirectory(dir)) {
            return null;
        }
        return dir;
    }
}
