package dev.loupe.inspect.embedding;

import dev.loupe.api.LoupeException;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Principal component analysis by the singular value decomposition of the centred data (EJML), so
 * that a wide feature matrix (a flattened feature map: thousands of features for hundreds of inputs)
 * never needs its D×D covariance. Signs are fixed so that each axis's largest-magnitude loading is
 * positive, which makes the projection reproducible across SVD implementations.
 */
final class Pca {
    private Pca() {
    }

    /**
     * A fitted projection.
     *
     * @param components [k][D] the principal axes, unit length, by decreasing variance
     * @param mean [D] the feature means that were subtracted
     * @param variance [k] the variance along each axis (n − 1 in the denominator, as sklearn)
     * @param totalVariance the total variance of the data
     * @param projection [N][k] the data's coordinates on the axes
     */
    record Result(double[][] components, double[] mean, double[] variance, double totalVariance,
            double[][] projection) {
        /** @return the fraction of the total variance each axis explains */
        double[] explainedRatio() {
            double[] r = new double[variance.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = totalVariance > 0 ? variance[i] / totalVariance : 0;
            }
            return r;
        }
    }

    /**
     * @param x [N][D] the data (not modified)
     * @param k how many axes (≤ min(N, D))
     * @return the first {@code k} principal axes and the projection on them
     */
    static Result fit(double[][] x, int k) {
        int n = x.length;
        int d = x[0].length;
        if (k > Math.min(n, d)) {
            throw new LoupeException("PCA to " + k + " dimensions needs at least " + k + " inputs and " + k
                    + " features; got " + n + " inputs of " + d + " features");
        }
        double[] mean = new double[d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        DMatrixRMaj a = new DMatrixRMaj(n, d);
        double total = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                double v = x[i][j] - mean[j];
                a.unsafe_set(i, j, v);
                total += v * v;
            }
        }
        double denominator = Math.max(1, n - 1);
        SingularValueDecomposition_F64<DMatrixRMaj> svd = DecompositionFactory_DDRM.svd(n, d, false, true, true);
        if (!svd.decompose(a.copy())) {
            throw new LoupeException("PCA: the singular value decomposition did not converge");
        }
        double[] singular = svd.getSingularValues();
        DMatrixRMaj vt = svd.getV(null, true); // rows are the right singular vectors
        int m = Math.min(singular.length, vt.numRows);
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (p, q) -> Double.compare(singular[q], singular[p]));
        double[][] components = new double[k][d];
        double[] variance = new double[k];
        for (int c = 0; c < k; c++) {
            int r = order[c];
            int argmax = 0;
            for (int j = 0; j < d; j++) {
                components[c][j] = vt.unsafe_get(r, j);
                if (Math.abs(components[c][j]) > Math.abs(components[c][argmax])) {
                    argmax = j;
                }
            }
            if (components[c][argmax] < 0) {
                for (int j = 0; j < d; j++) {
                    components[c][j] = -components[c][j];
                }
            }
            variance[c] = singular[r] * singular[r] / denominator;
        }
        double[][] projection = new double[n][k];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += a.unsafe_get(i, j) * components[c][j];
                }
                projection[i][c] = s;
            }
        }
        return new Result(components, mean, variance, total / denominator, projection);
    }
}
