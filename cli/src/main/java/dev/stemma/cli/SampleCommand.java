package dev.stemma.cli;

import dev.stemma.trainer.StemmaTrainer;
import dev.stemma.trainer.model.DdimSampler;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stemma sample}: DDIM samples of a class, a concept or a mix of tokens, as PNGs. */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = {"Writes N DDIM samples (classifier-free guidance) of a base class or concept, or of a mix of",
                "tokens, from a base and optionally an adapter, as PNG files plus a grid."})
final class SampleCommand implements Callable<Integer> {

    @Option(names = "--base", defaultValue = "models/base-fmnist6", paramLabel = "DIR",
            description = "Base model directory (default: ${DEFAULT-VALUE}).")
    Path base;

    @Option(names = "--adapter", paramLabel = "FILE", description = "Adapter file from 'stemma train' (default: none, the base alone).")
    Path adapter;

    @Option(names = "--concept", paramLabel = "NAME", description = "A base class or concept to sample (this or --mix).")
    String concept;

    @Option(names = "--mix", split = ",", paramLabel = "c1=w1,c2=w2",
            description = "Blend of tokens with weights, e.g. Shirt=0.5,Bag=0.5 (this or --concept).")
    List<String> mix;

    @Option(names = "--n", defaultValue = "16", paramLabel = "N", description = "Number of samples (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (required).")
    Path out;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
            description = "Seed; sample i starts from noise seeded by (seed, i) (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--steps", defaultValue = "" + DdimSampler.DEFAULT_STEPS, paramLabel = "N",
            description = "DDIM steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--guidance", defaultValue = "" + DdimSampler.DEFAULT_GUIDANCE, paramLabel = "G",
            description = "Classifier-free guidance scale (default: ${DEFAULT-VALUE}).")
    float guidance;

    @Override
    public Integer call() throws Exception {
        Map<String, Float> weights = new LinkedHashMap<>();
        if ((concept == null) == (mix == null)) {
            throw new IllegalArgumentException("give exactly one of --concept and --mix");
        }
        if (concept != null) {
            weights.put(concept, 1f);
        } else {
            for (String part : mix) {
                int eq = part.lastIndexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--mix part '" + part + "' is not NAME=WEIGHT");
                }
                try {
                    weights.merge(part.substring(0, eq), Float.parseFloat(part.substring(eq + 1)), Float::sum);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--mix weight in '" + part + "' is not a number");
                }
            }
        }
        List<Path> files = StemmaTrainer.sample(base, adapter, weights, n, seed, steps, guidance, out);
        System.out.println("wrote " + (files.size() - 1) + " samples and " + files.get(files.size() - 1));
        return 0;
    }
}
