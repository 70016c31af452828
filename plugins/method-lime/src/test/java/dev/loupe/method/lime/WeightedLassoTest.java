package dev.loupe.method.lime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.perturbation.LinearFit;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WeightedLassoTest {
    private static final int ROWS = 300;
    private static final int COLS = 6;

    private final double[] x = new double[ROWS * COLS];
    private final double[] y = new double[ROWS];
    private final double[] w = new double[ROWS];

    WeightedLassoTest() {
        Random r = new Random(3);
        double[] truth = {2, -1, 0.5, 0, 0.05, -3};
        for (int s = 0; s < ROWS; s++) {
            y[s] = 1.5 + 0.3 * r.nextGaussian();
            for (int j = 0; j < COLS; j++) {
                x[s * COLS + j] = r.nextBoolean() ? 1 : 0;
                y[s] += truth[j] * x[s * COLS + j];
            }
            w[s] = 0.1 + r.nextDouble();
        }
    }

    /**
     * The optimality (KKT) conditions of the weighted Lasso: with residuals r and W = Σw, the
     * centred correlation (1/W) Σ w x_j r equals α·sign(β_j) where β_j ≠ 0 and lies in [−α, α] where
     * β_j = 0; and the residuals have weighted mean 0 (the intercept).
     */
    @Test
    void theFitMeetsTheLassoOptimalityConditions() {
        for (double alpha : new double[] {0.01, 0.1, 0.6}) {
            WeightedLasso.Fit fit = WeightedLasso.fit(x, COLS, y, w, alpha, null);
            double total = 0;
            double[] residual = new double[ROWS];
            double meanResidual = 0;
            for (int s = 0; s < ROWS; s++) {
                residual[s] = y[s] - fit.intercept();
                for (int j = 0; j < COLS; j++) {
                    residual[s] -= fit.coefficients()[j] * x[s * COLS + j];
                }
                total += w[s];
                meanResidual += w[s] * residual[s];
            }
            assertEquals(0, meanResidual / total, 1e-9, "the intercept centres the residuals");
            int zeros = 0;
            for (int j = 0; j < COLS; j++) {
                double corr = 0;
                for (int s = 0; s < ROWS; s++) {
                    corr += w[s] * x[s * COLS + j] * residual[s];
                }
                corr /= total;
                double b = fit.coefficients()[j];
                if (b != 0) {
                    assertEquals(alpha * Math.signum(b), corr, 1e-5, "alpha " + alpha + ", active feature " + j);
                } else {
                    zeros++;
                    assertTrue(Math.abs(corr) <= alpha + 1e-9, "alpha " + alpha + ", inactive feature " + j);
                }
            }
            if (alpha == 0.6) {
                assertTrue(zeros >= 3, "a large penalty zeroes the small coefficients; " + zeros + " zeros");
            }
        }
    }

    @Test
    void withoutPenaltyItIsWeightedLeastSquares() {
        WeightedLasso.Fit lasso = WeightedLasso.fit(x, COLS, y, w, 0, null);
        LinearFit ls = LinearFit.fit(x, COLS, y, w, true);
        assertEquals(ls.intercept(), lasso.intercept(), 1e-6);
        for (int j = 0; j < COLS; j++) {
            assertEquals(ls.coefficients()[j], lasso.coefficients()[j], 1e-6, "coefficient " + j);
        }
    }

    @Test
    void columnsLeftOutStayZero() {
        boolean[] use = {true, false, true, false, false, true};
        WeightedLasso.Fit fit = WeightedLasso.fit(x, COLS, y, w, 0.01, use);
        for (int j = 0; j < COLS; j++) {
            assertEquals(use[j], fit.coefficients()[j] != 0, "feature " + j);
        }
    }
}
