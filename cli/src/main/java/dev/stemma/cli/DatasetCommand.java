package dev.stemma.cli;

import dev.stemma.trainer.CustomiseConfig;
import dev.stemma.trainer.data.ConceptFolders;
import dev.stemma.trainer.data.Datasets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stemma dataset}: writes a customisation set with micro-concepts as a {@code folder:}
 * dataset, the set-up the evaluation and the demo train on.
 */
@Command(name = "dataset", mixinStandardHelpOptions = true,
        description = {"Writes a customisation set as a folder: dataset: N images of each concept plus micro-concepts.",
                "Micro-concepts (1 to 4 images each) are taken from the concepts' unused images, one concept after the other;",
                "the evaluation measures within-concept attribution on them. Prints the concept list for train --concepts."})
final class DatasetCommand implements Callable<Integer> {

    @Option(names = "--data", defaultValue = DataOption.AUTO, paramLabel = "SPEC",
            description = "Source dataset, idx:DIR or folder:DIR (default: " + DataOption.AUTO_TEXT + ").")
    String data;

    @Option(names = "--concepts", split = ",", paramLabel = "C,..",
            description = "Concepts to take (default: Shirt,Sneaker,Bag,Ankle boot, the classes the shipped base never saw).")
    List<String> concepts = CustomiseConfig.DEFAULT_CONCEPTS;

    @Option(names = "--images-per-concept", defaultValue = "" + CustomiseConfig.DEFAULT_IMAGES_PER_CONCEPT, paramLabel = "N",
            description = "Images of each concept (default: ${DEFAULT-VALUE}).")
    int perConcept;

    @Option(names = "--micro", defaultValue = "4x2", paramLabel = "NxK",
            description = "N micro-concepts of K images each, K from 1 to 4; 0x0 for none (default: ${DEFAULT-VALUE}).")
    String micro;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to write (must not exist or be empty).")
    Path out;

    @Override
    public Integer call() throws Exception {
        int[] nk = ConceptFolders.parseMicro(micro);
        List<String> names = ConceptFolders.write(Datasets.open(DataOption.resolve(data)), concepts, perConcept, nk[0], nk[1], out);
        Progress.log("wrote " + names.size() + " concepts to " + out);
        System.out.println("data folder:" + out);
        System.out.println("concepts " + String.join(",", names));
        return 0;
    }
}
