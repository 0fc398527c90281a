package dev.stemma.cli;

import dev.stemma.trainer.data.Datasets;

/** The {@code --data} default shared by the trainer's commands. */
final class DataOption {
    static final String AUTO = "auto";
    static final String AUTO_TEXT = "idx:/usr/share/datasets/fashion-mnist when installed, else the shipped subset "
            + "idx:data/fashion-mnist-subset";

    private DataOption() {}

    static String resolve(String spec) {
        return AUTO.equals(spec) ? Datasets.defaultSpec() : spec;
    }
}
