package dev.loupe.gradient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.LoupeException;
import org.junit.jupiter.api.Test;

class QuadratureTest {

    @Test
    void gaussLegendreThreePointsAreTheTextbookNodes() {
        Quadrature.Nodes n = Quadrature.GAUSS_LEGENDRE.nodes(3);
        double r = Math.sqrt(0.6);
        assertArrayEquals(new double[] {(1 - r) / 2, 0.5, (1 + r) / 2}, n.alphas(), 1e-15);
        assertArrayEquals(new double[] {5.0 / 18, 8.0 / 18, 5.0 / 18}, n.weights(), 1e-15);
    }

    @Test
    void gaussLegendreIsExactForPolynomialsOfDegreeTwoNMinusOne() {
        for (int steps : new int[] {1, 2, 5, 17, 50, 128}) {
            Quadrature.Nodes n = Quadrature.GAUSS_LEGENDRE.nodes(steps);
            for (int degree = 0; degree <= Math.min(2 * steps - 1, 60); degree++) {
                double sum = 0;
                for (int k = 0; k < steps; k++) {
                    sum += n.weights()[k] * Math.pow(n.alphas()[k], degree);
                }
                assertEquals(1.0 / (degree + 1), sum, 1e-13, steps + " nodes, x^" + degree);
            }
            for (int k = 1; k < steps; k++) {
                assertTrue(n.alphas()[k] > n.alphas()[k - 1], "ascending");
            }
        }
    }

    @Test
    void riemannRulesPlaceThePointsAsCaptumDoes() {
        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75}, Quadrature.RIEMANN_LEFT.nodes(4).alphas(), 1e-15);
        assertArrayEquals(new double[] {0.25, 0.5, 0.75, 1}, Quadrature.RIEMANN_RIGHT.nodes(4).alphas(), 1e-15);
        assertArrayEquals(new double[] {0.125, 0.375, 0.625, 0.875}, Quadrature.RIEMANN_MIDDLE.nodes(4).alphas(), 1e-15);
        Quadrature.Nodes t = Quadrature.RIEMANN_TRAPEZOID.nodes(5);
        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1}, t.alphas(), 1e-15);
        // Captum's weights: 1/n, ends halved
        assertArrayEquals(new double[] {0.1, 0.2, 0.2, 0.2, 0.1}, t.weights(), 1e-15);
        for (Quadrature q : Quadrature.values()) {
            double sum = 0;
            for (double w : q.nodes(7).weights()) {
                sum += w;
            }
            assertEquals(q == Quadrature.RIEMANN_TRAPEZOID ? 6.0 / 7 : 1, sum, 1e-14, q.id());
        }
    }

    @Test
    void namesAndStepCountsAreChecked() {
        assertEquals(Quadrature.RIEMANN_TRAPEZOID, Quadrature.of("riemann_trapezoid"));
        LoupeException e = assertThrows(LoupeException.class, () -> Quadrature.of("simpson"));
        assertTrue(e.getMessage().contains("gausslegendre, riemann_left"), e.getMessage());
        assertThrows(LoupeException.class, () -> Quadrature.RIEMANN_TRAPEZOID.nodes(1));
    }
}
