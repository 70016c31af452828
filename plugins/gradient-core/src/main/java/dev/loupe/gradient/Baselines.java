package dev.loupe.gradient;

import dev.loupe.api.LoupeException;
import dev.loupe.api.Npy;
import dev.loupe.api.ParameterSpec;
import dev.loupe.api.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Reference inputs x′ that path methods integrate from: {@code zero}; {@code black} (every value
 * at the input's minimum); {@code uniform} (noise uniform in the input's range, seeded);
 * {@code blur} (the input under a Gaussian blur, Sturmfels et al. 2020); or a {@code .npy} file.
 */
public final class Baselines {
    /** The built-in kinds. */
    public static final List<String> KINDS = List.of("zero", "black", "uniform", "blur");

    /** For parameter descriptions. */
    public static final String HELP = "zero, black (input minimum), uniform (noise in the input's range), "
            + "blur (Gaussian-blurred input) or a .npy file";

    /** The blur baseline's parameter, declared by every method that takes baselines. */
    public static final ParameterSpec BLUR_SIGMA = ParameterSpec.number("blur-sigma", 5.0, 0, 1000,
            "standard deviation in pixels of the blur baseline");

    private final Tensor inputs;
    private final int itemSize;
    private final double blurSigma;
    private final long seed;

    /**
     * @param inputs the batch being explained
     * @param blurSigma the blur's standard deviation in pixels, for {@code blur}
     * @param seed the seed of {@code uniform}
     */
    public Baselines(Tensor inputs, double blurSigma, long seed) {
        this.inputs = inputs;
        this.itemSize = inputs.itemSize();
        this.blurSigma = blurSigma;
        this.seed = seed;
    }

    /**
     * One baseline per input, as Integrated Gradients needs.
     *
     * @param spec a kind or a .npy path holding one input's shape, [1, …] or one per input [N, …]
     * @return the baselines, shaped like the inputs
     */
    public Tensor single(String spec) {
        int n = inputs.batchSize();
        float[] out = new float[inputs.data().length];
        if (isFile(spec)) {
            Tensor file = readFile(spec);
            if (file.batchSize() != 1 && file.batchSize() != n) {
                throw new LoupeException("baseline file " + spec + " holds " + file.batchSize()
                        + " baselines; give one (used for every input) or one per input (" + n + ")");
            }
            for (int i = 0; i < n; i++) {
                System.arraycopy(file.data(), (file.batchSize() == 1 ? 0 : i) * itemSize, out, i * itemSize, itemSize);
            }
        } else {
            for (int i = 0; i < n; i++) {
                System.arraycopy(kind(spec, i), 0, out, i * itemSize, itemSize);
            }
        }
        return new Tensor(out, inputs.shape());
    }

    /**
     * A distribution of baselines per input, as GradientSHAP draws from: each kind gives one
     * candidate per input, each file all of its rows.
     *
     * @param specs kinds and .npy paths
     * @return for each input, its candidates
     */
    public List<List<float[]>> distribution(List<String> specs) {
        List<Tensor> files = new ArrayList<>();
        for (String spec : specs) {
            if (isFile(spec)) {
                files.add(readFile(spec));
            }
        }
        List<List<float[]>> out = new ArrayList<>();
        for (int i = 0; i < inputs.batchSize(); i++) {
            List<float[]> candidates = new ArrayList<>();
            for (String spec : specs) {
                if (!isFile(spec)) {
                    candidates.add(kind(spec, i));
                }
            }
            for (Tensor f : files) {
                for (int r = 0; r < f.batchSize(); r++) {
                    candidates.add(Arrays.copyOfRange(f.data(), r * itemSize, (r + 1) * itemSize));
                }
            }
            if (candidates.isEmpty()) {
                throw new LoupeException("no baselines given; use " + HELP);
            }
            out.add(candidates);
        }
        return out;
    }

    private static boolean isFile(String spec) {
        return spec.endsWith(".npy") || spec.contains("/") || spec.contains("\\");
    }

    /** A .npy of one input's shape or of [B, input shape…], as [B, …]. */
    private Tensor readFile(String spec) {
        Path p = Path.of(spec);
        if (!Files.isRegularFile(p)) {
            throw new LoupeException("baseline file " + spec + " does not exist; use " + HELP);
        }
        Tensor t;
        try {
            t = Npy.readFloats(p);
        } catch (IOException | RuntimeException e) {
            throw new LoupeException("cannot read baseline file " + spec + " as float32 .npy: " + e.getMessage(), e);
        }
        long[] item = Arrays.copyOfRange(inputs.shape(), 1, inputs.shape().length);
        if (Arrays.equals(t.shape(), item)) {
            long[] one = new long[item.length + 1];
            one[0] = 1;
            System.arraycopy(item, 0, one, 1, item.length);
            return new Tensor(t.data(), one);
        }
        if (t.rank() == item.length + 1 && Arrays.equals(Arrays.copyOfRange(t.shape(), 1, t.rank()), item)) {
            return t;
        }
        throw new LoupeException("baseline file " + spec + " has shape " + t.shapeString() + "; it must be one input's shape "
                + Arrays.toString(item) + " or [B, " + Arrays.toString(item).substring(1));
    }

    private float[] kind(String kind, int i) {
        float[] x = Arrays.copyOfRange(inputs.data(), i * itemSize, (i + 1) * itemSize);
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : x) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        switch (kind) {
            case "zero" -> {
                return new float[itemSize];
            }
            case "black" -> {
                Arrays.fill(x, min);
                return x;
            }
            case "uniform" -> {
                SplittableRandom r = GaussianNoise.random(seed, i, -1);
                for (int p = 0; p < itemSize; p++) {
                    x[p] = (float) (min + (max - min) * r.nextDouble());
                }
                return x;
            }
            case "blur" -> {
                return blur(x);
            }
            default -> throw new LoupeException("unknown baseline '" + kind + "'; use " + HELP);
        }
    }

    /** Separable Gaussian blur of each channel of a [C, H, W] input, edges repeated. */
    private float[] blur(float[] x) {
        long[] s = inputs.shape();
        if (s.length != 4) {
            throw new LoupeException("the blur baseline needs image inputs [N, C, H, W]; the inputs are "
                    + inputs.shapeString());
        }
        int c = (int) s[1];
        int h = (int) s[2];
        int w = (int) s[3];
        int radius = (int) Math.ceil(3 * blurSigma);
        double[] kernel = new double[2 * radius + 1];
        double sum = 0;
        for (int k = -radius; k <= radius; k++) {
            kernel[k + radius] = blurSigma == 0 ? (k == 0 ? 1 : 0) : Math.exp(-k * k / (2 * blurSigma * blurSigma));
            sum += kernel[k + radius];
        }
        for (int k = 0; k < kernel.length; k++) {
            kernel[k] /= sum;
        }
        float[] rows = new float[x.length];
        float[] out = new float[x.length];
        for (int ch = 0; ch < c; ch++) {
            int base = ch * h * w;
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    double v = 0;
                    for (int k = -radius; k <= radius; k++) {
                        v += kernel[k + radius] * x[base + y * w + Math.min(w - 1, Math.max(0, xx + k))];
                    }
                    rows[base + y * w + xx] = (float) v;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    double v = 0;
                    for (int k = -radius; k <= radius; k++) {
                        v += kernel[k + radius] * rows[base + Math.min(h - 1, Math.max(0, y + k)) * w + xx];
                    }
                    out[base + y * w + xx] = (float) v;
                }
            }
        }
        return out;
    }
}
