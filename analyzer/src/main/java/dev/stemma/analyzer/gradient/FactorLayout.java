package dev.stemma.analyzer.gradient;

import dev.stemma.protocol.RunManifest;
import dev.stemma.trainer.LoraGradients;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The columns that gradients and weight updates share: LoRA factor tensors in a fixed order,
 * each flattened row-major, one after the other. The model's declaration order
 * ({@link LoraGradients#parameterNames()}) is the order of a run manifest's factor shapes, so a
 * layout read from the manifest and one read from the replayed model are equal when they describe
 * the same adapter (checked where both meet).
 *
 * @param names LoRA factor names, e.g. {@code down0.res.conv1/lora_a}
 * @param sizes element count of each
 */
public record FactorLayout(List<String> names, int[] sizes) {

    public FactorLayout {
        names = List.copyOf(names);
        sizes = sizes.clone();
        if (names.isEmpty() || names.size() != sizes.length) {
            throw new IllegalArgumentException("A factor layout needs one size per name and at least one factor, got "
                    + names.size() + " names and " + sizes.length + " sizes");
        }
        if (names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException("Factor names repeat: " + names);
        }
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] < 1) {
                throw new IllegalArgumentException("Factor " + names.get(i) + " has " + sizes[i] + " elements");
            }
        }
    }

    /** The LoRA factors of a run, from its manifest's factor shapes (concept tokens left out). */
    public static FactorLayout loraFactors(RunManifest manifest) {
        List<String> names = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (RunManifest.TensorShape shape : manifest.factorShapes()) {
            if (LoraGradients.isLoraFactor(shape.name())) {
                names.add(shape.name());
                sizes.add(Arrays.stream(shape.shape()).reduce(1, Math::multiplyExact));
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("Run " + manifest.runId() + " recorded no LoRA factors (factors: "
                    + manifest.factorShapes() + ")");
        }
        return new FactorLayout(names, sizes.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The LoRA factors a gradient of {@code gradients} covers, in its order. */
    public static FactorLayout of(LoraGradients gradients) {
        return new FactorLayout(gradients.parameterNames(), gradients.parameterSizes());
    }

    /** Element count of each factor (a copy). */
    @Override
    public int[] sizes() {
        return sizes.clone();
    }

    /** Number of factors. */
    public int factors() {
        return sizes.length;
    }

    /** Total columns: the sum of the sizes. */
    public int columns() {
        long total = 0;
        for (int s : sizes) {
            total += s;
        }
        return Math.toIntExact(total);
    }

    /** Elements of factor {@code index}. */
    public int size(int index) {
        return sizes[index];
    }

    /** First column of factor {@code index}. */
    public int offset(int index) {
        int offset = 0;
        for (int i = 0; i < index; i++) {
            offset += sizes[i];
        }
        return offset;
    }

    /** Fails, naming the first difference, unless {@code other} has the same factors in the same order. */
    public void requireSame(FactorLayout other, String what) {
        if (!equals(other)) {
            int i = 0;
            while (i < Math.min(factors(), other.factors()) && names.get(i).equals(other.names.get(i)) && sizes[i] == other.sizes[i]) {
                i++;
            }
            String mine = i < factors() ? names.get(i) + " (" + sizes[i] + ")" : "nothing";
            String theirs = i < other.factors() ? other.names.get(i) + " (" + other.sizes[i] + ")" : "nothing";
            throw new IllegalArgumentException(what + ": factor " + i + " is " + mine + " here and " + theirs + " there ("
                    + factors() + " and " + other.factors() + " factors)");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FactorLayout f && names.equals(f.names) && Arrays.equals(sizes, f.sizes);
    }

    @Override
    public int hashCode() {
        return 31 * names.hashCode() + Arrays.hashCode(sizes);
    }

    @Override
    public String toString() {
        return "FactorLayout[" + factors() + " factors, " + columns() + " columns]";
    }
}
