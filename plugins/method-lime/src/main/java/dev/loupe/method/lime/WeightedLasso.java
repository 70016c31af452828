package dev.loupe.method.lime;

/**
 * Weighted Lasso with an unpenalised intercept, scikit-learn's objective with sample weights:
 * {@code (1 / 2W) Σ_s w_s (y_s − b − x_s·β)² + α ‖β‖₁} with {@code W = Σ w_s}. Solved by cyclic
 * coordinate descent on the data centred by their weighted means (so {@code b} is not shrunk), until
 * no coefficient moves by more than {@code 1e-6} of the largest or the sweeps run out.
 *
 * <p>Written here rather than taken from Tribuo (4.3.2): its {@code ElasticNetCDTrainer} ignores
 * example weights and centres the data by unweighted means, so the usual workaround of scaling rows
 * by {@code √w} fits a wrong intercept; and it would bring some 8 MB of dependencies (protobuf, OLCUT,
 * JLine, OpenCSV) for these sixty lines.
 */
final class WeightedLasso {
    private static final int MAX_SWEEPS = 10_000;
    private static final double TOLERANCE = 1e-6;

    /** The fit: {@code y ≈ intercept + Σ coefficients[j] x_j}. */
    record Fit(double intercept, double[] coefficients) {
    }

    private WeightedLasso() {
    }

    /**
     * @param x the design, row-major, {@code rows × columns}
     * @param columns the number of features
     * @param y the target per row
     * @param w a non-negative weight per row, not all zero
     * @param alpha the L1 penalty (0: weighted least squares by coordinate descent)
     * @param use which columns may enter the model (the others get 0), or null for all
     */
    static Fit fit(double[] x, int columns, double[] y, double[] w, double alpha, boolean[] use) {
        int rows = y.length;
        double total = 0;
        double meanY = 0;
        double[] meanX = new double[columns];
        for (int s = 0; s < rows; s++) {
            total += w[s];
            meanY += w[s] * y[s];
            for (int j = 0; j < columns; j++) {
                meanX[j] += w[s] * x[s * columns + j];
            }
        }
        if (!(total > 0)) {
            throw new IllegalArgumentException("every sample weight is 0");
        }
        meanY /= total;
        for (int j = 0; j < columns; j++) {
            meanX[j] /= total;
        }
        // centred columns (column-major for the sweeps) and their weighted squared norms / W
        double[][] xc = new double[columns][rows];
        double[] norm = new double[columns];
        for (int j = 0; j < columns; j++) {
            for (int s = 0; s < rows; s++) {
                double v = x[s * columns + j] - meanX[j];
                xc[j][s] = v;
                norm[j] += w[s] * v * v;
            }
            norm[j] /= total;
        }
        double[] residual = new double[rows];
        for (int s = 0; s < rows; s++) {
            residual[s] = y[s] - meanY;
        }
        double[] beta = new double[columns];
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            double largest = 0;
            double moved = 0;
            for (int j = 0; j < columns; j++) {
                if ((use != null && !use[j]) || norm[j] == 0) {
                    continue;
                }
                double[] col = xc[j];
                double rho = 0;
                for (int s = 0; s < rows; s++) {
                    rho += w[s] * col[s] * residual[s];
                }
                rho = rho / total + norm[j] * beta[j];
                double next = Math.signum(rho) * Math.max(Math.abs(rho) - alpha, 0) / norm[j];
                double delta = next - beta[j];
                if (delta != 0) {
                    for (int s = 0; s < rows; s++) {
                        residual[s] -= delta * col[s];
                    }
                    beta[j] = next;
                }
                moved = Math.max(moved, Math.abs(delta));
                largest = Math.max(largest, Math.abs(next));
            }
            if (moved <= TOLERANCE * largest || largest == 0) {
                break;
            }
        }
        double intercept = meanY;
        for (int j = 0; j < columns; j++) {
            intercept -= beta[j] * meanX[j];
        }
        return new Fit(intercept, beta);
    }
}
