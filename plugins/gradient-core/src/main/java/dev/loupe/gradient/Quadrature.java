package dev.loupe.gradient;

import dev.loupe.api.LoupeException;
import java.util.Arrays;
import java.util.List;

/**
 * Rules for integrating along a path from α = 0 to α = 1, named as in Captum: Gauss–Legendre and
 * the left, right, middle and trapezoid Riemann sums.
 */
public enum Quadrature {
    /** Gauss–Legendre nodes and weights mapped to [0, 1]: exact for polynomials of degree 2n − 1. */
    GAUSS_LEGENDRE("gausslegendre"),
    /** α = 0, 1/n, …, (n − 1)/n, each weighted 1/n. */
    RIEMANN_LEFT("riemann_left"),
    /** α = 1/n, …, 1, each weighted 1/n. */
    RIEMANN_RIGHT("riemann_right"),
    /** α at the midpoints of n equal intervals, each weighted 1/n. */
    RIEMANN_MIDDLE("riemann_middle"),
    /**
     * α = 0, 1/(n − 1), …, 1, weighted as Captum does: 1/n each, the two ends half. (These
     * weights sum to (n − 1)/n, so the sum is the textbook trapezoid rule times (n − 1)/n; kept
     * so that results agree with Captum's.)
     */
    RIEMANN_TRAPEZOID("riemann_trapezoid");

    private final String id;

    Quadrature(String id) {
        this.id = id;
    }

    /**
     * Points and weights of a rule.
     *
     * @param alphas the points in [0, 1], ascending
     * @param weights the weight of each point; they sum to 1 except for the trapezoid rule
     */
    public record Nodes(double[] alphas, double[] weights) {
        /** @return the number of points */
        public int size() {
            return alphas.length;
        }
    }

    /** @return the rule's name, as Captum spells it */
    public String id() {
        return id;
    }

    /** @return every rule's name */
    public static List<String> ids() {
        return Arrays.stream(values()).map(Quadrature::id).toList();
    }

    /**
     * @param id a rule's name
     * @return the rule
     * @throws LoupeException naming the known rules
     */
    public static Quadrature of(String id) {
        return Arrays.stream(values()).filter(q -> q.id.equals(id)).findFirst().orElseThrow(() ->
                new LoupeException("unknown integration rule '" + id + "'; use one of " + String.join(", ", ids())));
    }

    /**
     * @param steps the number of points, at least 1 (2 for the trapezoid)
     * @return the points and weights
     */
    public Nodes nodes(int steps) {
        if (steps < (this == RIEMANN_TRAPEZOID ? 2 : 1)) {
            throw new LoupeException(id + " needs at least " + (this == RIEMANN_TRAPEZOID ? 2 : 1) + " steps; got " + steps);
        }
        double[] a = new double[steps];
        double[] w = new double[steps];
        switch (this) {
            case GAUSS_LEGENDRE -> gaussLegendre(steps, a, w);
            case RIEMANN_TRAPEZOID -> {
                for (int k = 0; k < steps; k++) {
                    a[k] = (double) k / (steps - 1);
                    w[k] = (k == 0 || k == steps - 1 ? 0.5 : 1.0) / steps;
                }
            }
            default -> {
                double shift = this == RIEMANN_LEFT ? 0 : this == RIEMANN_RIGHT ? 1 : 0.5;
                for (int k = 0; k < steps; k++) {
                    a[k] = (k + shift) / steps;
                    w[k] = 1.0 / steps;
                }
            }
        }
        return new Nodes(a, w);
    }

    /** Roots of the Legendre polynomial P_n by Newton's method, mapped from [−1, 1] to [0, 1]. */
    private static void gaussLegendre(int n, double[] alphas, double[] weights) {
        for (int i = 0; i < (n + 1) / 2; i++) {
            double x = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
            double derivative = 0;
            for (int iteration = 0; iteration < 100; iteration++) {
                double p0 = 1;
                double p1 = x;
                for (int j = 2; j <= n; j++) {
                    double p2 = ((2 * j - 1) * x * p1 - (j - 1) * p0) / j;
                    p0 = p1;
                    p1 = p2;
                }
                // p1 = P_n(x), p0 = P_(n-1)(x)
                derivative = n * (x * p1 - p0) / (x * x - 1);
                double dx = p1 / derivative;
                x -= dx;
                if (Math.abs(dx) < 1e-16) {
                    break;
                }
            }
            double weight = 2 / ((1 - x * x) * derivative * derivative);
            // x is the i-th largest root; its mirror −x is the i-th smallest
            alphas[n - 1 - i] = (1 + x) / 2;
            weights[n - 1 - i] = weight / 2;
            alphas[i] = (1 - x) / 2;
            weights[i] = weight / 2;
        }
    }
}
