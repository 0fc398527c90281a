package dev.stemma.analyzer;

import dev.stemma.analyzer.linalg.Subspace;

/**
 * Gradients projected on a subspace of the LoRA parameters (the top directions of the recorded
 * updates, or the random control) as they arrive, compared by cosine per checkpoint and averaged
 * over checkpoints. Holds n x checkpoints x k floats and the k x P basis.
 */
final class ProjectedGradientScorer implements ImageScorer {

    private final String method;
    private final GradientReader shape;
    private final Subspace subspace;
    private final UnitBlockIndex index;

    private ProjectedGradientScorer(String method, GradientReader shape, Subspace subspace, UnitBlockIndex index) {
        this.method = method;
        this.shape = shape;
        this.subspace = subspace;
        this.index = index;
    }

    /** A sink that projects each training gradient as it arrives; {@link GradientSink#finish} gives the scorer. */
    static GradientSink collect(String method, int items, GradientReader reader, Subspace subspace) {
        if (subspace.dimension() != reader.parameters()) {
            throw new IllegalArgumentException("The weight subspace has dimension " + subspace.dimension() + ", the gradients "
                    + reader.parameters());
        }
        UnitBlockIndex index = new UnitBlockIndex(items, reader.checkpoints(), subspace.rank());
        float[] projected = new float[subspace.rank()];
        return new GradientSink() {
            @Override
            public void visit(int item, int checkpoint, float[] gradient) {
                subspace.project(gradient, projected, 0);
                index.put(item, checkpoint, projected, 0);
            }

            @Override
            public ImageScorer finish() {
                return new ProjectedGradientScorer(method, reader, subspace, index);
            }
        };
    }

    Subspace subspace() {
        return subspace;
    }

    @Override
    public float[] scores(Query query) {
        float[][] gradients = query.requireGradients(method);
        GradientShapes.check(shape, gradients, method);
        int k = subspace.rank();
        float[] projected = new float[gradients.length * k];
        for (int c = 0; c < gradients.length; c++) {
            subspace.project(gradients[c], projected, c * k);
            UnitBlockIndex.normalise(projected, c * k, k);
        }
        float[] scores = new float[index.items()];
        index.accumulateScores(projected, 1f, scores);
        return scores;
    }

    @Override
    public float[][] scoresOfTrainingItems(int[] sample) {
        float[][] result = new float[sample.length][];
        for (int q = 0; q < sample.length; q++) {
            float[] scores = new float[index.items()];
            index.accumulateScores(index.row(sample[q]), 1f, scores);
            scores[sample[q]] = Float.NaN;
            result[q] = scores;
        }
        return result;
    }
}
