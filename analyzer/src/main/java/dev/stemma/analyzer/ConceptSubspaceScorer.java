package dev.stemma.analyzer;

import dev.stemma.analyzer.linalg.SymmetricEigen;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Concept subspaces: the feature rows of each concept's training images, centred on the mean of
 * all training rows, span a subspace (their top-r principal directions). A query scores
 * training image i by how much of the query lies in the subspace of i's concept and how well it
 * lines up with i there:
 *
 * <pre>
 *   s_i = &lt;P_c q, P_c x_i&gt; / (|q| |P_c x_i|) = sqrt(E_c(q)) cos(P_c q, P_c x_i)
 * </pre>
 *
 * with P_c the projection on concept c's subspace and E_c(q) = |P_c q|^2 / |q|^2 its projection
 * energy. A concept's share therefore follows the energy of the query in that concept's
 * subspace (the shared share rule takes the concept's best scores), and the top training images
 * are the ones nearest to the query inside their concept's subspace.
 *
 * <p>Everything is computed from each concept's Gram matrix of centred rows (n_c x n_c): its
 * eigenvectors U and singular values S give the basis V = X^T U S^-1 and the images'
 * coordinates S U^T. So calibration is honest leave-one-out: a training image scored as a
 * query is compared with its own concept's subspace rebuilt without it (the Gram with its row
 * and column deleted), never with a subspace it helped span. Memory: the rank x dimension basis
 * and the n_c x n_c Gram of every concept.
 */
final class ConceptSubspaceScorer implements ImageScorer {

    /** Directions per concept (capped at the concept's size), the default of {@link RepresentationConfig#conceptRank()}. */
    static final int DEFAULT_RANK = 4;

    /** Directions whose singular value is below this fraction of the concept's largest are dropped. */
    private static final double RELATIVE_SINGULAR_FLOOR = 1e-6;

    private final TrainingSet set;
    private final IntFunction<float[]> rows;
    private final Function<Query, float[]> queryRow;
    private final int rank;
    private final float[] mean;
    private final ConceptBasis[] concepts;

    /** One concept's subspace: basis rows, the Gram it came from, its members' coordinates. */
    private record ConceptBasis(float[][] basis, double[][] gram, float[][] coordinates, double[] coordinateNorms) {
    }

    private ConceptSubspaceScorer(TrainingSet set, IntFunction<float[]> rows, Function<Query, float[]> queryRow, int rank,
                                  float[] mean, ConceptBasis[] concepts) {
        this.set = set;
        this.rows = rows;
        this.queryRow = queryRow;
        this.rank = rank;
        this.mean = mean;
        this.concepts = concepts;
    }

    /**
     * Builds the subspaces of every concept of {@code set} from the feature row of each training
     * image ({@code rows}, all of one length); {@code queryRow} gives a query's row in the same
     * space.
     */
    static ConceptSubspaceScorer build(TrainingSet set, IntFunction<float[]> rows, Function<Query, float[]> queryRow, int rank) {
        if (rank < 1) {
            throw new IllegalArgumentException("Concept subspace rank must be at least 1, got " + rank);
        }
        float[] mean = meanRow(set.size(), rows);
        ConceptBasis[] bases = new ConceptBasis[set.concepts().size()];
        for (int c = 0; c < bases.length; c++) {
            bases[c] = fitConcept(set.members(c), rows, mean, rank);
        }
        return new ConceptSubspaceScorer(set, rows, queryRow, rank, mean, bases);
    }

    /** The mean of all training rows, checking they are of one length. */
    private static float[] meanRow(int n, IntFunction<float[]> rows) {
        double[] sum = null;
        for (int i = 0; i < n; i++) {
            float[] row = rows.apply(i);
            if (sum == null) {
                sum = new double[row.length];
            } else if (row.length != sum.length) {
                throw new IllegalArgumentException("Training item " + i + " has " + row.length + " features, item 0 " + sum.length);
            }
            for (int d = 0; d < row.length; d++) {
                sum[d] += row[d];
            }
        }
        float[] mean = new float[sum.length];
        for (int d = 0; d < sum.length; d++) {
            mean[d] = (float) (sum[d] / n);
        }
        return mean;
    }

    /** One concept's Gram of centred rows, its basis V = X^T U S^-1 and its members' coordinates. */
    private static ConceptBasis fitConcept(int[] members, IntFunction<float[]> rows, float[] mean, int rank) {
        float[][] centred = new float[members.length][];
        for (int r = 0; r < members.length; r++) {
            centred[r] = minus(rows.apply(members[r]), mean);
        }
        double[][] gram = new double[members.length][members.length];
        for (int a = 0; a < members.length; a++) {
            for (int b = 0; b <= a; b++) {
                gram[a][b] = Vectors.dot(centred[a], centred[b]);
                gram[b][a] = gram[a][b];
            }
        }
        Eigen eigen = Eigen.of(gram, rank);
        float[][] basis = new float[eigen.kept()][mean.length];
        for (int j = 0; j < eigen.kept(); j++) {
            float[] v = basis[j];
            for (int r = 0; r < members.length; r++) {
                float w = (float) (eigen.u[j][r] / eigen.sigma[j]);
                float[] x = centred[r];
                for (int d = 0; d < v.length; d++) {
                    v[d] += w * x[d];
                }
            }
        }
        float[][] coordinates = new float[members.length][];
        double[] norms = new double[members.length];
        for (int r = 0; r < members.length; r++) {
            coordinates[r] = eigen.coordinatesOfMember(r);
            norms[r] = Vectors.norm(coordinates[r]);
        }
        return new ConceptBasis(basis, gram, coordinates, norms);
    }

    @Override
    public float[] scores(Query query) {
        float[] q = minus(queryRow.apply(query), mean);
        double queryNorm = Vectors.norm(q);
        float[] scores = new float[set.size()];
        for (int c = 0; c < concepts.length; c++) {
            scoreMembers(concepts[c], set.members(c), q, queryNorm, scores);
        }
        return scores;
    }

    @Override
    public float[][] scoresOfTrainingItems(int[] items) {
        float[][] out = new float[items.length][];
        for (int s = 0; s < items.length; s++) {
            int item = items[s];
            float[] x = minus(rows.apply(item), mean);
            double xNorm = Vectors.norm(x);
            float[] scores = new float[set.size()];
            int own = set.conceptOf(item);
            for (int c = 0; c < concepts.length; c++) {
                int[] members = set.members(c);
                if (c == own) {
                    leaveOneOut(members, concepts[c].gram(), item, xNorm, scores);
                    continue;
                }
                scoreMembers(concepts[c], members, x, xNorm, scores);
            }
            scores[item] = Float.NaN;
            out[s] = scores;
        }
        return out;
    }

    /** Scores of a concept's members against a centred row {@code x}: its coordinates in their subspace against theirs. */
    private static void scoreMembers(ConceptBasis basis, int[] members, float[] x, double xNorm, float[] scores) {
        float[] p = new float[basis.basis().length];
        for (int j = 0; j < p.length; j++) {
            p[j] = (float) Vectors.dot(basis.basis()[j], x);
        }
        for (int r = 0; r < members.length; r++) {
            scores[members[r]] = score(p, xNorm, basis.coordinates()[r], basis.coordinateNorms()[r]);
        }
    }

    /** Scores of {@code item}'s concept-mates against the subspace of their concept without it. */
    private void leaveOneOut(int[] members, double[][] gram, int item, double itemNorm, float[] scores) {
        int left = -1;
        for (int r = 0; r < members.length; r++) {
            if (members[r] == item) {
                left = r;
            }
        }
        int m = members.length - 1;
        if (m == 0) {
            return; // a concept of one image has nothing left to compare with
        }
        double[][] reduced = new double[m][m];
        double[] crossGram = new double[m]; // <x_r, x_item> for the others
        for (int a = 0, ra = 0; a < members.length; a++) {
            if (a == left) {
                continue;
            }
            crossGram[ra] = gram[a][left];
            for (int b = 0, rb = 0; b < members.length; b++) {
                if (b != left) {
                    reduced[ra][rb++] = gram[a][b];
                }
            }
            ra++;
        }
        Eigen eigen = Eigen.of(reduced, rank);
        // Coordinates of the left-out item in the reduced basis: S^-1 U^T (X_reduced x_item).
        float[] p = new float[eigen.kept()];
        for (int j = 0; j < p.length; j++) {
            double sum = 0;
            for (int r = 0; r < m; r++) {
                sum += eigen.u[j][r] * crossGram[r];
            }
            p[j] = (float) (sum / eigen.sigma[j]);
        }
        for (int a = 0, ra = 0; a < members.length; a++) {
            if (a == left) {
                continue;
            }
            float[] coordinates = eigen.coordinatesOfMember(ra);
            scores[members[a]] = score(p, itemNorm, coordinates, Vectors.norm(coordinates));
            ra++;
        }
    }

    private static float score(float[] queryCoordinates, double queryNorm, float[] itemCoordinates, double itemNorm) {
        if (queryNorm < 1e-12 || itemNorm < 1e-12) {
            return 0f;
        }
        return (float) (Vectors.dot(queryCoordinates, itemCoordinates) / (queryNorm * itemNorm));
    }

    /** The top directions of a Gram: eigenvectors u_j (over the concept's members) and singular values. */
    private static final class Eigen {
        private final double[][] u;
        private final double[] sigma;

        private Eigen(double[][] u, double[] sigma) {
            this.u = u;
            this.sigma = sigma;
        }

        static Eigen of(double[][] gram, int rank) {
            int keep = Math.min(rank, gram.length);
            SymmetricEigen.Result result = SymmetricEigen.decompose(gram, keep);
            double largest = Math.sqrt(Math.max(0, result.values()[0]));
            int kept = 0;
            while (kept < keep && Math.sqrt(Math.max(0, result.values()[kept])) > RELATIVE_SINGULAR_FLOOR * largest
                    && result.values()[kept] > 0) {
                kept++;
            }
            double[][] u = new double[kept][];
            double[] sigma = new double[kept];
            for (int j = 0; j < kept; j++) {
                u[j] = result.vectors()[j];
                sigma[j] = Math.sqrt(result.values()[j]);
            }
            return new Eigen(u, sigma);
        }

        int kept() {
            return sigma.length;
        }

        /** Member r's coordinates in the basis: sigma_j u_j[r]. */
        float[] coordinatesOfMember(int r) {
            float[] out = new float[sigma.length];
            for (int j = 0; j < sigma.length; j++) {
                out[j] = (float) (sigma[j] * u[j][r]);
            }
            return out;
        }
    }

    private static float[] minus(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("A row of " + a.length + " features against training rows of " + b.length);
        }
        float[] out = new float[a.length];
        for (int d = 0; d < a.length; d++) {
            out[d] = a[d] - b[d];
        }
        return out;
    }

}
