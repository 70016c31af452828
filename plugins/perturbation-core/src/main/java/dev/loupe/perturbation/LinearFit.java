package dev.loupe.perturbation;

import dev.loupe.api.LoupeException;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;

/**
 * Weighted linear least squares, the surrogate model of KernelSHAP and LIME: minimises
 * {@code Σ_s w_s (y_s − b − Σ_j β_j x_sj)²}. Solved by EJML's SVD pseudo-inverse, so a design with
 * fewer distinct samples than features (or a feature that never varies) gets the minimum-norm
 * solution, as NumPy's and scikit-learn's {@code lstsq} give; with an intercept the data are first
 * centred by their weighted means, so the intercept is not shrunk (scikit-learn's
 * {@code LinearRegression}).
 *
 * @param intercept {@code b} (0 without an intercept)
 * @param coefficients {@code β}, one per column
 */
public record LinearFit(double intercept, double[] coefficients) {

    /**
     * Fits the model.
     *
     * @param x the design, row-major, {@code rows × columns}
     * @param columns the number of columns (features)
     * @param y the target per row
     * @param weights a non-negative weight per row, or null for equal weights
     * @param withIntercept whether to fit {@code b} (otherwise the fit passes through the origin)
     * @return the fit
     * @throws LoupeException if the sizes disagree or a weight is negative
     */
    public static LinearFit fit(double[] x, int columns, double[] y, double[] weights, boolean withIntercept) {
        int rows = y.length;
        if (x.length != (long) rows * columns || (weights != null && weights.length != rows)) {
            throw new LoupeException("linear fit: " + rows + " targets need " + rows + "×" + columns
                    + " design values and as many weights; got " + x.length + " and "
                    + (weights == null ? "none" : weights.length));
        }
        double[] meanX = new double[columns];
        double meanY = 0;
        if (withIntercept) {
            double total = 0;
            for (int s = 0; s < rows; s++) {
                double w = weight(weights, s);
                total += w;
                meanY += w * y[s];
                for (int j = 0; j < columns; j++) {
                    meanX[j] += w * x[s * columns + j];
                }
            }
            if (total > 0) {
                meanY /= total;
                for (int j = 0; j < columns; j++) {
                    meanX[j] /= total;
                }
            }
        }
        // weighted least squares = ordinary least squares on rows scaled by √w
        DMatrixRMaj a = new DMatrixRMaj(rows, columns);
        DMatrixRMaj b = new DMatrixRMaj(rows, 1);
        for (int s = 0; s < rows; s++) {
            double r = Math.sqrt(weight(weights, s));
            for (int j = 0; j < columns; j++) {
                a.unsafe_set(s, j, r * (x[s * columns + j] - meanX[j]));
            }
            b.unsafe_set(s, 0, r * (y[s] - meanY));
        }
        double[] beta = new double[columns];
        if (rows > 0 && columns > 0) {
            LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.pseudoInverse(true);
            if (!solver.setA(a)) {
                throw new LoupeException("linear fit: the SVD of the " + rows + "×" + columns
                        + " design did not converge (are there NaN or infinite scores?)");
            }
            DMatrixRMaj solution = new DMatrixRMaj(columns, 1);
            solver.solve(b, solution);
            for (int j = 0; j < columns; j++) {
                beta[j] = solution.get(j, 0);
            }
        }
        double b0 = meanY;
        for (int j = 0; j < columns; j++) {
            b0 -= beta[j] * meanX[j];
        }
        return new LinearFit(withIntercept ? b0 : 0, beta);
    }

    private static double weight(double[] weights, int s) {
        if (weights == null) {
            return 1;
        }
        if (!(weights[s] >= 0)) {
            throw new LoupeException("linear fit: weight " + s + " is " + weights[s] + "; weights must be >= 0");
        }
        return weights[s];
    }

    /** @return the coefficients (a copy) */
    @Override
    public double[] coefficients() {
        return coefficients.clone();
    }
}
