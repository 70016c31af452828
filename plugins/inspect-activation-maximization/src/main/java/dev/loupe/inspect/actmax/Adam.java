package dev.loupe.inspect.actmax;

/** Adam (Kingma and Ba 2015) ascending one parameter vector, with bias correction. */
final class Adam {
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double[] m;
    private final double[] v;
    private int t;

    Adam(int size, double lr, double beta1, double beta2) {
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = 1e-8;
        this.m = new double[size];
        this.v = new double[size];
    }

    /** Moves {@code p} up the gradient {@code g} of the objective. */
    void ascend(double[] p, double[] g) {
        t++;
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        for (int i = 0; i < p.length; i++) {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            p[i] += lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + eps);
        }
    }
}
