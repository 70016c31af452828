package dev.loupe.inspect.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.api.Test;

class PcaTest {

    @Test
    void recoversThePrincipalAxisAndMatchesTheCovarianceEigenDecomposition() {
        Random r = new Random(9);
        int n = 2000;
        int d = 5;
        // standard deviations 5, 2, 1, 0.5, 0.2 along an orthonormal basis with a known first axis
        double[] axis = {1, 2, -1, 0.5, 3};
        double norm = Math.sqrt(java.util.Arrays.stream(axis).map(v -> v * v).sum());
        for (int k = 0; k < d; k++) {
            axis[k] /= norm;
        }
        double[][] basis = gramSchmidt(axis, r);
        double[] sd = {5, 2, 1, 0.5, 0.2};
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                double z = sd[c] * r.nextGaussian();
                for (int k = 0; k < d; k++) {
                    x[i][k] += z * basis[c][k];
                }
            }
            x[i][0] += 10; // an offset PCA must remove
        }
        Pca.Result pca = Pca.fit(x, 2);
        double cos = 0;
        for (int k = 0; k < d; k++) {
            cos += pca.components()[0][k] * axis[k];
        }
        assertTrue(Math.abs(cos) > 0.999, "first component along the long axis: |cos| = " + Math.abs(cos));
        assertEquals(25, pca.variance()[0], 25 * 0.1);

        // an independent route: the covariance matrix's symmetric eigen-decomposition
        DMatrixRMaj cov = new DMatrixRMaj(d, d);
        double[] mean = new double[d];
        for (double[] row : x) {
            for (int k = 0; k < d; k++) {
                mean[k] += row[k] / n;
            }
        }
        for (double[] row : x) {
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    cov.add(a, b, (row[a] - mean[a]) * (row[b] - mean[b]) / (n - 1));
                }
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
        assertTrue(eig.decompose(cov));
        Integer[] order = new Integer[d];
        for (int i = 0; i < d; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (p, q) -> Double.compare(eig.getEigenvalue(q).real, eig.getEigenvalue(p).real));
        for (int c = 0; c < 2; c++) {
            assertEquals(eig.getEigenvalue(order[c]).real, pca.variance()[c], 1e-9 * pca.variance()[0]);
            DMatrixRMaj v = eig.getEigenVector(order[c]);
            double dot = 0;
            for (int k = 0; k < d; k++) {
                dot += v.get(k) * pca.components()[c][k];
            }
            assertEquals(1, Math.abs(dot), 1e-9, "component " + c);
        }
        double total = 0;
        for (int k = 0; k < d; k++) {
            total += cov.get(k, k);
        }
        assertEquals(total, pca.totalVariance(), 1e-9 * total);
        // projection = centred data · axes; the largest loading of each axis is positive
        for (int c = 0; c < 2; c++) {
            double s = 0;
            double max = 0;
            for (int k = 0; k < d; k++) {
                s += (x[17][k] - pca.mean()[k]) * pca.components()[c][k];
                max = Math.abs(pca.components()[c][k]) > Math.abs(max) ? pca.components()[c][k] : max;
            }
            assertEquals(s, pca.projection()[17][c], 1e-9);
            assertTrue(max > 0);
        }
    }

    @Test
    void wideDataNeedsNoCovarianceMatrix() {
        Random r = new Random(1);
        double[][] x = new double[30][5000];
        for (double[] row : x) {
            double z = r.nextGaussian() * 10;
            for (int k = 0; k < row.length; k++) {
                row[k] = (k % 2 == 0 ? z : -z) + r.nextGaussian() * 0.1;
            }
        }
        Pca.Result pca = Pca.fit(x, 2);
        assertTrue(pca.explainedRatio()[0] > 0.9, "one dominant direction: " + pca.explainedRatio()[0]);
        assertEquals(1 / Math.sqrt(5000), Math.abs(pca.components()[0][0]), 1e-3);
    }

    private static double[][] gramSchmidt(double[] first, Random r) {
        int d = first.length;
        double[][] b = new double[d][];
        b[0] = first.clone();
        for (int c = 1; c < d; c++) {
            double[] v = new double[d];
            for (int k = 0; k < d; k++) {
                v[k] = r.nextGaussian();
            }
            for (int p = 0; p < c; p++) {
                double dot = 0;
                for (int k = 0; k < d; k++) {
                    dot += v[k] * b[p][k];
                }
                for (int k = 0; k < d; k++) {
                    v[k] -= dot * b[p][k];
                }
            }
            double nrm = 0;
            for (double e : v) {
                nrm += e * e;
            }
            nrm = Math.sqrt(nrm);
            for (int k = 0; k < d; k++) {
                v[k] /= nrm;
            }
            b[c] = v;
        }
        return b;
    }
}
