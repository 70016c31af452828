package dev.loupe.inspect.embedding;

import dev.loupe.api.Cancellation;
import dev.loupe.api.LoupeException;
import java.util.Arrays;
import java.util.Random;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * t-SNE to two dimensions (van der Maaten &amp; Hinton 2008), exact or with the Barnes–Hut
 * approximation (van der Maaten 2014), following scikit-learn's {@code TSNE} step for step so that
 * its settings mean the same here:
 * <ul>
 * <li>input similarities from squared Euclidean distances, each row's Gaussian bandwidth found by
 * binary search on the entropy (target log(perplexity), tolerance 1e-5, at most 100 steps);
 * P = (P<sub>j|i</sub> + P<sub>i|j</sub>) / Σ, floored at machine epsilon. Exact: over all pairs;
 * Barnes–Hut: over each point's k = min(N − 1, ⌊3·perplexity + 1⌋) nearest neighbours (found by brute
 * force, O(N²·D), fine up to some tens of thousands of points), sparse;</li>
 * <li>Student-t similarities in the map, q<sub>ij</sub> ∝ (1 + |y<sub>i</sub> − y<sub>j</sub>|²)⁻¹;
 * gradient 4 Σ<sub>j</sub> (p<sub>ij</sub> − q<sub>ij</sub>)(1 + d²)⁻¹(y<sub>i</sub> − y<sub>j</sub>). The
 * Barnes–Hut repulsion summarises a quadtree cell of width w at squared distance d² from its centre
 * of mass when w / d &lt; θ (θ = 0 never summarises, which is the exact gradient);</li>
 * <li>gradient descent with momentum 0.5 and early exaggeration (P × 12) for the first 250
 * iterations, then momentum 0.8; per-coordinate gains (+0.2 where the sign of the step flips, × 0.8
 * where it does not, at least 0.01), reset between the two stages; learning rate "auto" =
 * max(N / exaggeration / 4, 50); stops early when the gradient norm falls below 1e-7;</li>
 * <li>initialisation by PCA, scaled so that the first coordinate has standard deviation 1e-4, or
 * 1e-4 · N(0, 1) from the seed.</li>
 * </ul>
 * Rows are processed in parallel, each row's sums in a fixed order, so results do not depend on
 * the number of threads.
 */
final class Tsne {
    /** scikit-learn's MACHINE_EPSILON: the floor of P and Q. */
    static final double EPSILON = Math.ulp(1.0);
    /** Exact t-SNE keeps an N×N matrix; beyond this many points use Barnes–Hut. */
    static final int EXACT_MAX = 8000;

    private Tsne() {
    }

    /**
     * Settings.
     *
     * @param perplexity the effective number of neighbours (clamped by the caller)
     * @param iterations total iterations, including the exaggerated ones
     * @param exaggeration the early exaggeration factor
     * @param exaggerationIterations how many iterations it lasts
     * @param learningRate the step size, or NaN for "auto"
     * @param theta Barnes–Hut's accuracy (0 = exact repulsion)
     * @param exact whether to use the exact O(N²) gradient
     * @param pcaInit PCA initialisation (else random)
     * @param seed for the random initialisation
     */
    record Options(double perplexity, int iterations, double exaggeration, int exaggerationIterations,
            double learningRate, double theta, boolean exact, boolean pcaInit, long seed) {
        /** @return scikit-learn's defaults with this perplexity and algorithm */
        static Options defaults(double perplexity, boolean exact) {
            return new Options(perplexity, 1000, 12, 250, Double.NaN, 0.5, exact, true, 0);
        }

        Options withIterations(int n) {
            return new Options(perplexity, n, exaggeration, exaggerationIterations, learningRate, theta, exact,
                    pcaInit, seed);
        }

        Options withInit(boolean pca, long s) {
            return new Options(perplexity, iterations, exaggeration, exaggerationIterations, learningRate, theta,
                    exact, pca, s);
        }

        Options withTheta(double t) {
            return new Options(perplexity, iterations, exaggeration, exaggerationIterations, learningRate, t, exact,
                    pcaInit, seed);
        }
    }

    /**
     * @param embedding [N·2] the map, row-major
     * @param kl the final Kullback–Leibler divergence KL(P‖Q) (without exaggeration)
     * @param iterations the iterations run
     * @param learningRate the learning rate used
     */
    record Result(double[] embedding, double kl, int iterations, double learningRate) {
    }

    /** A symmetric sparse P in compressed rows. */
    record Sparse(int n, int[] rowStart, int[] cols, double[] vals) {
        double sum() {
            double s = 0;
            for (double v : vals) {
                s += v;
            }
            return s;
        }
    }

    /**
     * Runs t-SNE.
     *
     * @param x [N][D] the data
     * @param o the settings
     * @param cancellation checked every iteration
     * @return the map
     */
    static Result run(double[][] x, Options o, Cancellation cancellation) {
        int n = x.length;
        if (o.exact && n > EXACT_MAX) {
            throw new LoupeException("exact t-SNE keeps an N×N matrix and is limited to " + EXACT_MAX + " points; got "
                    + n + ": use tsne-algorithm=barnes-hut");
        }
        double[] y = o.pcaInit ? pcaInit(x) : randomInit(n, o.seed);
        double lr = Double.isNaN(o.learningRate) ? Math.max(n / o.exaggeration / 4, 50) : o.learningRate;
        if (o.exact) {
            double[] p = jointDense(x, o.perplexity);
            return optimise(y, p, (pe, yy, g) -> exactGradient(pe, yy, g, n), o, lr, cancellation,
                    () -> klDense(p, y, n));
        }
        Sparse p = jointSparse(x, o.perplexity, neighbours(n, o.perplexity));
        double theta = o.theta;
        return optimise(y, p, (pe, yy, g) -> bhGradient((Sparse) pe, yy, theta, g), o, lr, cancellation,
                () -> klSparse(p, y));
    }

    /** A gradient of KL(P‖Q) for a P (dense double[] or {@link Sparse}) scaled by the exaggeration. */
    interface Gradient {
        void compute(Object p, double[] y, double[] grad);
    }

    /** @return k = min(N − 1, ⌊3·perplexity + 1⌋), scikit-learn's neighbour count for Barnes–Hut */
    static int neighbours(int n, double perplexity) {
        return Math.min(n - 1, (int) (3 * perplexity + 1));
    }

    private static Result optimise(double[] y, Object p, Gradient gradient, Options o, double lr,
            Cancellation cancellation, java.util.function.DoubleSupplier kl) {
        int early = Math.min(o.exaggerationIterations, o.iterations);
        Object exaggerated = scale(p, o.exaggeration);
        int done = descend(y, exaggerated, gradient, 0, early, 0.5, lr, cancellation);
        done += descend(y, p, gradient, early, o.iterations, 0.8, lr, cancellation);
        return new Result(y, kl.getAsDouble(), done, lr);
    }

    /**
     * scikit-learn's {@code _gradient_descent}: momentum, gains, stop on a vanishing gradient.
     *
     * @return the number of iterations run
     */
    static int descend(double[] y, Object p, Gradient gradient, int from, int to, double momentum, double lr,
            Cancellation cancellation) {
        double[] update = new double[y.length];
        double[] gains = new double[y.length];
        Arrays.fill(gains, 1);
        double[] grad = new double[y.length];
        for (int it = from; it < to; it++) {
            if (cancellation != null && cancellation.isCancelled()) {
                throw new LoupeException("t-SNE cancelled after " + it + " iterations");
            }
            gradient.compute(p, y, grad);
            double norm = 0;
            for (int k = 0; k < y.length; k++) {
                boolean flip = update[k] * grad[k] < 0;
                gains[k] = Math.max(0.01, flip ? gains[k] + 0.2 : gains[k] * 0.8);
                norm += grad[k] * grad[k];
                update[k] = momentum * update[k] - lr * gains[k] * grad[k];
                y[k] += update[k];
            }
            if (Math.sqrt(norm) < 1e-7) {
                return it + 1 - from;
            }
        }
        return to - from;
    }

    private static Object scale(Object p, double factor) {
        if (p instanceof double[] d) {
            double[] s = d.clone();
            for (int i = 0; i < s.length; i++) {
                s[i] *= factor;
            }
            return s;
        }
        Sparse sp = (Sparse) p;
        double[] v = sp.vals().clone();
        for (int i = 0; i < v.length; i++) {
            v[i] *= factor;
        }
        return new Sparse(sp.n(), sp.rowStart(), sp.cols(), v);
    }

    // ---------------------------------------------------------------- input similarities

    /**
     * One row of conditional probabilities P<sub>j|i</sub> with the entropy of log(perplexity).
     *
     * @param dist2 squared distances to the other points (not the point itself)
     * @param perplexity the target perplexity
     * @param out receives the probabilities, summing to 1
     * @return the precision β = 1 / (2σ²) found
     */
    static double conditionalRow(double[] dist2, double perplexity, double[] out) {
        double target = Math.log(perplexity);
        double min = Double.POSITIVE_INFINITY;
        for (double d : dist2) {
            min = Math.min(min, d);
        }
        double beta = 1;
        double lo = Double.NEGATIVE_INFINITY;
        double hi = Double.POSITIVE_INFINITY;
        for (int step = 0; step < 100; step++) {
            double sum = 0;
            for (int j = 0; j < dist2.length; j++) {
                // shifted by the smallest distance: the normalised row is the same, and it never underflows
                out[j] = Math.exp(-(dist2[j] - min) * beta);
                sum += out[j];
            }
            double weighted = 0;
            for (int j = 0; j < dist2.length; j++) {
                out[j] /= sum;
                weighted += (dist2[j] - min) * out[j];
            }
            double entropy = Math.log(sum) + beta * weighted;
            double diff = entropy - target;
            if (Math.abs(diff) <= 1e-5) {
                break;
            }
            if (diff > 0) {
                lo = beta;
                beta = hi == Double.POSITIVE_INFINITY ? beta * 2 : (beta + hi) / 2;
            } else {
                hi = beta;
                beta = lo == Double.NEGATIVE_INFINITY ? beta / 2 : (beta + lo) / 2;
            }
        }
        return beta;
    }

    /** @return squared Euclidean distance between two rows */
    static double dist2(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            double d = a[k] - b[k];
            s += d * d;
        }
        return s;
    }

    /** @return the joint P over all pairs, [N·N] row-major, zero diagonal */
    static double[] jointDense(double[][] x, double perplexity) {
        int n = x.length;
        double[] cond = new double[n * n];
        parallel(n, i -> {
            double[] d = new double[n - 1];
            for (int j = 0, c = 0; j < n; j++) {
                if (j != i) {
                    d[c++] = dist2(x[i], x[j]);
                }
            }
            double[] row = new double[n - 1];
            conditionalRow(d, perplexity, row);
            for (int j = 0, c = 0; j < n; j++) {
                if (j != i) {
                    cond[i * n + j] = row[c++];
                }
            }
        });
        double[] p = new double[n * n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                p[i * n + j] = cond[i * n + j] + cond[j * n + i];
                sum += p[i * n + j];
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                p[i * n + j] = i == j ? 0 : Math.max(p[i * n + j] / sum, EPSILON);
            }
        }
        return p;
    }

    /** @return the joint P over each point's k nearest neighbours, symmetrised, sparse */
    static Sparse jointSparse(double[][] x, double perplexity, int k) {
        int n = x.length;
        int[][] nbr = new int[n][];
        double[][] val = new double[n][];
        parallel(n, i -> {
            double[] d = new double[n];
            Integer[] order = new Integer[n - 1];
            for (int j = 0, c = 0; j < n; j++) {
                d[j] = j == i ? Double.POSITIVE_INFINITY : dist2(x[i], x[j]);
                if (j != i) {
                    order[c++] = j;
                }
            }
            Arrays.sort(order, (a, b) -> a.intValue() == b.intValue() ? 0
                    : d[a] != d[b] ? Double.compare(d[a], d[b]) : Integer.compare(a, b));
            nbr[i] = new int[k];
            double[] dk = new double[k];
            for (int c = 0; c < k; c++) {
                nbr[i][c] = order[c];
                dk[c] = d[order[c]];
            }
            val[i] = new double[k];
            conditionalRow(dk, perplexity, val[i]);
        });
        // symmetrise: P + Pᵀ over the union of both neighbour lists, then normalise
        long[] keys = new long[2 * n * k];
        double[] vs = new double[2 * n * k];
        int m = 0;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                keys[m] = (long) i * n + nbr[i][c];
                vs[m++] = val[i][c];
                keys[m] = (long) nbr[i][c] * n + i;
                vs[m++] = val[i][c];
            }
        }
        Integer[] idx = new Integer[m];
        for (int i = 0; i < m; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> Long.compare(keys[a], keys[b]));
        int[] rowStart = new int[n + 1];
        int[] cols = new int[m];
        double[] vals = new double[m];
        int u = -1;
        long last = -1;
        double total = 0;
        for (int t = 0; t < m; t++) {
            long key = keys[idx[t]];
            if (key != last) {
                u++;
                cols[u] = (int) (key % n);
                rowStart[(int) (key / n) + 1]++;
                last = key;
            }
            vals[u] += vs[idx[t]];
            total += vs[idx[t]];
        }
        for (int i = 0; i < n; i++) {
            rowStart[i + 1] += rowStart[i];
        }
        int entries = u + 1;
        cols = Arrays.copyOf(cols, entries);
        vals = Arrays.copyOf(vals, entries);
        for (int t = 0; t < entries; t++) {
            vals[t] = Math.max(vals[t] / total, EPSILON);
        }
        return new Sparse(n, rowStart, cols, vals);
    }

    // ---------------------------------------------------------------- gradients and KL

    /**
     * The exact gradient of KL(P‖Q) (with P as given, possibly exaggerated), O(N²).
     *
     * @param pObj dense P [N·N]
     * @param y the map [N·2]
     * @param grad receives the gradient [N·2]
     * @param n the number of points
     */
    static void exactGradient(Object pObj, double[] y, double[] grad, int n) {
        double[] p = (double[]) pObj;
        double[] z = new double[n];
        double[] a = new double[2 * n];
        double[] b = new double[2 * n];
        parallel(n, i -> {
            double yi0 = y[2 * i];
            double yi1 = y[2 * i + 1];
            double zi = 0;
            double a0 = 0;
            double a1 = 0;
            double b0 = 0;
            double b1 = 0;
            int row = i * n;
            for (int j = 0; j < n; j++) {
                if (j == i) {
                    continue;
                }
                double d0 = yi0 - y[2 * j];
                double d1 = yi1 - y[2 * j + 1];
                double num = 1 / (1 + d0 * d0 + d1 * d1);
                zi += num;
                double pn = p[row + j] * num;
                a0 += pn * d0;
                a1 += pn * d1;
                double nn = num * num;
                b0 += nn * d0;
                b1 += nn * d1;
            }
            z[i] = zi;
            a[2 * i] = a0;
            a[2 * i + 1] = a1;
            b[2 * i] = b0;
            b[2 * i + 1] = b1;
        });
        double sum = 0;
        for (double v : z) {
            sum += v;
        }
        for (int k = 0; k < 2 * n; k++) {
            grad[k] = 4 * (a[k] - b[k] / sum);
        }
    }

    /**
     * The Barnes–Hut gradient: attraction over P's non-zeros, repulsion through a quadtree.
     *
     * @param p sparse P
     * @param y the map [N·2]
     * @param theta summarise a cell when its width / distance &lt; theta
     * @param grad receives the gradient [N·2]
     */
    static void bhGradient(Sparse p, double[] y, double theta, double[] grad) {
        int n = p.n();
        QuadTree tree = new QuadTree(y, n);
        double[] z = new double[n];
        double[] neg = new double[2 * n];
        double[] pos = new double[2 * n];
        parallel(n, i -> {
            double yi0 = y[2 * i];
            double yi1 = y[2 * i + 1];
            double f0 = 0;
            double f1 = 0;
            for (int t = p.rowStart()[i]; t < p.rowStart()[i + 1]; t++) {
                int j = p.cols()[t];
                double d0 = yi0 - y[2 * j];
                double d1 = yi1 - y[2 * j + 1];
                double q = p.vals()[t] / (1 + d0 * d0 + d1 * d1);
                f0 += q * d0;
                f1 += q * d1;
            }
            pos[2 * i] = f0;
            pos[2 * i + 1] = f1;
            double[] acc = new double[3];
            tree.repulsion(i, theta, acc);
            z[i] = acc[0];
            neg[2 * i] = acc[1];
            neg[2 * i + 1] = acc[2];
        });
        double sum = 0;
        for (double v : z) {
            sum += v;
        }
        for (int k = 0; k < 2 * n; k++) {
            grad[k] = 4 * (pos[k] - neg[k] / sum);
        }
    }

    /** @return KL(P‖Q) = Σ p log(p / q) over all pairs, dense P */
    static double klDense(double[] p, double[] y, int n) {
        double z = normaliser(y, n);
        double[] part = new double[n];
        parallel(n, i -> {
            double s = 0;
            for (int j = 0; j < n; j++) {
                double pij = p[i * n + j];
                if (j == i || pij <= 0) {
                    continue;
                }
                double d0 = y[2 * i] - y[2 * j];
                double d1 = y[2 * i + 1] - y[2 * j + 1];
                double q = Math.max(1 / (1 + d0 * d0 + d1 * d1) / z, EPSILON);
                s += pij * Math.log(Math.max(pij, EPSILON) / q);
            }
            part[i] = s;
        });
        return Arrays.stream(part).sum();
    }

    /** @return KL(P‖Q) over P's non-zeros, with Q's normaliser over all pairs (O(N²), once) */
    static double klSparse(Sparse p, double[] y) {
        int n = p.n();
        double z = normaliser(y, n);
        double s = 0;
        for (int i = 0; i < n; i++) {
            for (int t = p.rowStart()[i]; t < p.rowStart()[i + 1]; t++) {
                int j = p.cols()[t];
                double d0 = y[2 * i] - y[2 * j];
                double d1 = y[2 * i + 1] - y[2 * j + 1];
                double q = Math.max(1 / (1 + d0 * d0 + d1 * d1) / z, EPSILON);
                s += p.vals()[t] * Math.log(Math.max(p.vals()[t], EPSILON) / q);
            }
        }
        return s;
    }

    private static double normaliser(double[] y, int n) {
        double[] part = new double[n];
        parallel(n, i -> {
            double s = 0;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    double d0 = y[2 * i] - y[2 * j];
                    double d1 = y[2 * i + 1] - y[2 * j + 1];
                    s += 1 / (1 + d0 * d0 + d1 * d1);
                }
            }
            part[i] = s;
        });
        return Arrays.stream(part).sum();
    }

    // ---------------------------------------------------------------- initialisation

    /** scikit-learn's {@code init='pca'}: the first two principal components, first column std 1e-4. */
    static double[] pcaInit(double[][] x) {
        int n = x.length;
        double[][] proj = Pca.fit(x, 2).projection();
        double mean = 0;
        for (double[] r : proj) {
            mean += r[0];
        }
        mean /= n;
        double var = 0;
        for (double[] r : proj) {
            var += (r[0] - mean) * (r[0] - mean);
        }
        double std = Math.sqrt(var / n);
        double scale = std > 0 ? 1e-4 / std : 1;
        double[] y = new double[2 * n];
        for (int i = 0; i < n; i++) {
            y[2 * i] = proj[i][0] * scale;
            y[2 * i + 1] = proj[i][1] * scale;
        }
        return y;
    }

    /** scikit-learn's {@code init='random'}: 1e-4 · N(0, 1). */
    static double[] randomInit(int n, long seed) {
        Random r = new Random(seed);
        double[] y = new double[2 * n];
        for (int k = 0; k < y.length; k++) {
            y[k] = 1e-4 * r.nextGaussian();
        }
        return y;
    }

    private static void parallel(int n, IntConsumer body) {
        if (n < 64) {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
        } else {
            IntStream.range(0, n).parallel().forEach(body);
        }
    }

    /**
     * A point-region quadtree over the map with each cell's point count and centre of mass. Cells
     * are squares; a leaf holds one point or several that coincide (or that lie below the depth limit).
     */
    static final class QuadTree {
        private static final int MAX_DEPTH = 48;
        private final double[] y;
        private double[] cx;
        private double[] cy;
        private double[] half;
        private double[] mx;
        private double[] my;
        private int[] count;
        private int[] firstChild;
        private int[] firstPoint;
        private final int[] nextPoint;
        private int nodes;

        QuadTree(double[] y, int n) {
            this.y = y;
            int capacity = Math.max(16, 4 * n);
            cx = new double[capacity];
            cy = new double[capacity];
            half = new double[capacity];
            mx = new double[capacity];
            my = new double[capacity];
            count = new int[capacity];
            firstChild = new int[capacity];
            firstPoint = new int[capacity];
            nextPoint = new int[n];
            double minX = Double.POSITIVE_INFINITY;
            double maxX = Double.NEGATIVE_INFINITY;
            double minY = Double.POSITIVE_INFINITY;
            double maxY = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                minX = Math.min(minX, y[2 * i]);
                maxX = Math.max(maxX, y[2 * i]);
                minY = Math.min(minY, y[2 * i + 1]);
                maxY = Math.max(maxY, y[2 * i + 1]);
            }
            double h = Math.max(maxX - minX, maxY - minY) / 2;
            h = h * (1 + 1e-5) + 1e-12;
            newNode((minX + maxX) / 2, (minY + maxY) / 2, h);
            for (int i = 0; i < n; i++) {
                insert(0, i, 0);
            }
            for (int c = 0; c < nodes; c++) {
                if (count[c] > 0) {
                    mx[c] /= count[c];
                    my[c] /= count[c];
                }
            }
        }

        private int newNode(double x, double yy, double h) {
            if (nodes == cx.length) {
                int cap = cx.length * 2;
                cx = Arrays.copyOf(cx, cap);
                cy = Arrays.copyOf(cy, cap);
                half = Arrays.copyOf(half, cap);
                mx = Arrays.copyOf(mx, cap);
                my = Arrays.copyOf(my, cap);
                count = Arrays.copyOf(count, cap);
                firstChild = Arrays.copyOf(firstChild, cap);
                firstPoint = Arrays.copyOf(firstPoint, cap);
            }
            int id = nodes++;
            cx[id] = x;
            cy[id] = yy;
            half[id] = h;
            firstChild[id] = -1;
            firstPoint[id] = -1;
            return id;
        }

        private void insert(int node, int i, int depth) {
            double px = y[2 * i];
            double py = y[2 * i + 1];
            while (true) {
                count[node]++;
                mx[node] += px;
                my[node] += py;
                if (firstChild[node] < 0) {
                    int other = firstPoint[node];
                    if (other < 0 || depth >= MAX_DEPTH || (y[2 * other] == px && y[2 * other + 1] == py)) {
                        nextPoint[i] = other;
                        firstPoint[node] = i;
                        return;
                    }
                    // split: the leaf's points (all at one place) move to a child, then place this one
                    double h = half[node] / 2;
                    int first = nodes;
                    newNode(cx[node] - h, cy[node] - h, h);
                    newNode(cx[node] + h, cy[node] - h, h);
                    newNode(cx[node] - h, cy[node] + h, h);
                    newNode(cx[node] + h, cy[node] + h, h);
                    firstChild[node] = first;
                    firstPoint[node] = -1;
                    int target = first + quadrant(node, y[2 * other], y[2 * other + 1]);
                    for (int q = other; q >= 0; ) {
                        int next = nextPoint[q];
                        count[target]++;
                        mx[target] += y[2 * q];
                        my[target] += y[2 * q + 1];
                        nextPoint[q] = firstPoint[target];
                        firstPoint[target] = q;
                        q = next;
                    }
                }
                node = firstChild[node] + quadrant(node, px, py);
                depth++;
            }
        }

        private int quadrant(int node, double px, double py) {
            return (px >= cx[node] ? 1 : 0) + (py >= cy[node] ? 2 : 0);
        }

        /**
         * The repulsion on point {@code i}: acc[0] += Σ (1 + d²)⁻¹, acc[1..2] += Σ (1 + d²)⁻² (y_i − y_j),
         * over all other points, summarising cells by their centre of mass where width / d &lt; θ.
         */
        void repulsion(int i, double theta, double[] acc) {
            double px = y[2 * i];
            double py = y[2 * i + 1];
            double theta2 = theta * theta;
            int[] stack = new int[4 * MAX_DEPTH + 8];
            int top = 0;
            stack[top++] = 0;
            while (top > 0) {
                int node = stack[--top];
                if (count[node] == 0) {
                    continue;
                }
                if (firstChild[node] < 0) {
                    for (int j = firstPoint[node]; j >= 0; j = nextPoint[j]) {
                        if (j == i) {
                            continue;
                        }
                        double d0 = px - y[2 * j];
                        double d1 = py - y[2 * j + 1];
                        double q = 1 / (1 + d0 * d0 + d1 * d1);
                        acc[0] += q;
                        acc[1] += q * q * d0;
                        acc[2] += q * q * d1;
                    }
                    continue;
                }
                double d0 = px - mx[node];
                double d1 = py - my[node];
                double d2 = d0 * d0 + d1 * d1;
                double width = 2 * half[node];
                if (width * width < theta2 * d2) {
                    double q = 1 / (1 + d2);
                    double m = count[node] * q;
                    acc[0] += m;
                    m *= q;
                    acc[1] += m * d0;
                    acc[2] += m * d1;
                } else {
                    int c = firstChild[node];
                    stack[top++] = c;
                    stack[top++] = c + 1;
                    stack[top++] = c + 2;
                    stack[top++] = c + 3;
                }
            }
        }
    }
}
