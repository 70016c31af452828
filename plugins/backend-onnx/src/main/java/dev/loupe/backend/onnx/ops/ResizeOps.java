package dev.loupe.backend.onnx.ops;

import static dev.loupe.backend.onnx.ops.OpSupport.one;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Locale;

/**
 * Resize and Upsample, separably along each resized axis: the source positions and weights of
 * every output index are computed from the shapes alone (small Java arrays), and the data is
 * gathered along the axis and weighted, so the result is differentiable and follows ONNX's
 * coordinate transformations exactly.
 */
final class ResizeOps {
    private ResizeOps() {
    }

    static void register() {
        OpRegistry.register("Resize", ResizeOps::resize);
        OpRegistry.register("Upsample", ResizeOps::upsample);
    }

    private enum Mode {
        NEAREST, LINEAR, CUBIC
    }

    private enum Coord {
        HALF_PIXEL, PYTORCH_HALF_PIXEL, ALIGN_CORNERS, ASYMMETRIC, TF_HALF_PIXEL_FOR_NN, TF_CROP_AND_RESIZE
    }

    private enum Nearest {
        ROUND_PREFER_FLOOR, ROUND_PREFER_CEIL, FLOOR, CEIL,
        /** before opset 11: floor when upsampling, ceil when downsampling */
        LEGACY
    }

    /** The settings of one Resize node. */
    private record Settings(Mode mode, Coord coord, Nearest nearest, double cubicA, boolean excludeOutside,
            float extrapolation, long[] axes) {
    }

    private static <E extends Enum<E>> E parse(NodeSpec node, Class<E> type, String attr, String fallback) {
        String v = node.attributes().getString(attr, fallback);
        String name = v.toUpperCase(Locale.ROOT);
        if ("BILINEAR".equals(name) || "TRILINEAR".equals(name)) {
            name = "LINEAR";
        }
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw node.unsupported(attr + "=" + v);
        }
    }

    static Kernel upsample(NodeSpec node) {
        Mode mode = parse(node, Mode.class, "mode", "nearest");
        if (mode == Mode.CUBIC) {
            throw node.unsupported("mode=cubic");
        }
        Settings s = new Settings(mode, Coord.ASYMMETRIC, Nearest.LEGACY, -0.75, false, 0f, null);
        float[] attrScales = node.attributes().getFloats("scales", null);
        return in -> {
            float[] scales = node.opset() < 9 ? attrScales : in[1].toType(DataType.FLOAT32, false).toFloatArray();
            return one(apply(s, in[0], scales, null, null));
        };
    }

    static Kernel resize(NodeSpec node) {
        Mode mode = parse(node, Mode.class, "mode", "nearest");
        boolean legacy = node.opset() < 11;
        Coord coord = legacy ? Coord.ASYMMETRIC
                : parse(node, Coord.class, "coordinate_transformation_mode", "half_pixel");
        Nearest nearest = legacy ? Nearest.LEGACY : parse(node, Nearest.class, "nearest_mode", "round_prefer_floor");
        if (legacy && mode == Mode.CUBIC) {
            throw node.unsupported("mode=cubic");
        }
        if (node.attributes().getInt("antialias", 0) != 0) {
            throw node.unsupported("antialias=1");
        }
        String policy = node.attributes().getString("keep_aspect_ratio_policy", "stretch");
        if (!"stretch".equals(policy)) {
            throw node.unsupported("keep_aspect_ratio_policy=" + policy);
        }
        Settings s = new Settings(mode, coord, nearest, node.attributes().getFloat("cubic_coeff_a", -0.75f),
                node.attributes().getInt("exclude_outside", 0) != 0,
                node.attributes().getFloat("extrapolation_value", 0f), node.attributes().getInts("axes", null));
        return in -> {
            if (legacy) {
                return one(apply(s, in[0], in[1].toType(DataType.FLOAT32, false).toFloatArray(), null, null));
            }
            float[] roi = in.length > 1 && in[1] != null && in[1].size() > 0
                    ? in[1].toType(DataType.FLOAT32, false).toFloatArray() : null;
            float[] scales = in.length > 2 && in[2] != null && in[2].size() > 0
                    ? in[2].toType(DataType.FLOAT32, false).toFloatArray() : null;
            long[] sizes = in.length > 3 && in[3] != null && in[3].size() > 0 ? OpSupport.longs(in[3]) : null;
            if (scales == null && sizes == null) {
                throw new IllegalArgumentException("Resize needs scales or sizes");
            }
            return one(apply(s, in[0], scales, sizes, roi));
        };
    }

    private static NDArray apply(Settings s, NDArray x, float[] scalesGiven, long[] sizesGiven, float[] roiGiven) {
        int rank = x.getShape().dimension();
        long[] inDims = x.getShape().getShape();
        double[] scales = new double[rank];
        long[] out = inDims.clone();
        double[] lengths = new double[rank]; // length_resized: unrounded when scales are given
        double[] roiStart = new double[rank];
        double[] roiEnd = new double[rank];
        java.util.Arrays.fill(scales, 1);
        java.util.Arrays.fill(roiEnd, 1);
        for (int a = 0; a < rank; a++) {
            lengths[a] = inDims[a];
        }
        int[] axes = s.axes() == null ? null : OpSupport.axes(s.axes(), rank);
        int given = axes == null ? rank : axes.length;
        for (int i = 0; i < given; i++) {
            int a = axes == null ? i : axes[i];
            if (scalesGiven != null) {
                scales[a] = scalesGiven[i];
                lengths[a] = inDims[a] * (double) scalesGiven[i];
                out[a] = (long) Math.floor(lengths[a]);
            } else {
                out[a] = sizesGiven[i];
                scales[a] = (double) out[a] / inDims[a];
                lengths[a] = out[a];
            }
            if (roiGiven != null && roiGiven.length == 2 * given) {
                roiStart[a] = roiGiven[i];
                roiEnd[a] = roiGiven[i + given];
            }
        }
        NDArray y = x;
        for (int a = 0; a < rank; a++) {
            if (out[a] == inDims[a] && scales[a] == 1 && s.coord() != Coord.TF_CROP_AND_RESIZE) {
                continue;
            }
            y = resizeAxis(s, y, a, inDims[a], out[a], lengths[a], scales[a], roiStart[a], roiEnd[a]);
        }
        return y;
    }

    private static double source(Settings s, long x, long in, double out, double scale, double roiStart,
            double roiEnd) {
        return switch (s.coord()) {
            case HALF_PIXEL -> (x + 0.5) / scale - 0.5;
            case PYTORCH_HALF_PIXEL -> out > 1 ? (x + 0.5) / scale - 0.5 : 0;
            case ALIGN_CORNERS -> out == 1 ? 0 : x * (double) (in - 1) / (out - 1);
            case ASYMMETRIC -> x / scale;
            case TF_HALF_PIXEL_FOR_NN -> (x + 0.5) / scale;
            case TF_CROP_AND_RESIZE -> out > 1
                    ? roiStart * (in - 1) + x * (roiEnd - roiStart) * (in - 1) / (out - 1)
                    : 0.5 * (roiStart + roiEnd) * (in - 1);
        };
    }

    private static long nearestIndex(Nearest mode, double v, double scale) {
        return switch (mode) {
            case ROUND_PREFER_FLOOR -> (long) Math.ceil(v - 0.5);
            case ROUND_PREFER_CEIL -> (long) Math.floor(v + 0.5);
            case FLOOR -> (long) Math.floor(v);
            case CEIL -> (long) Math.ceil(v);
            case LEGACY -> scale < 1 ? (long) Math.ceil(v) : (long) Math.floor(v);
        };
    }

    private static NDArray resizeAxis(Settings s, NDArray x, int axis, long in, long out, double length,
            double scale, double roiStart, double roiEnd) {
        int n = (int) out;
        int taps = switch (s.mode()) {
            case NEAREST -> 1;
            case LINEAR -> 2;
            case CUBIC -> 4;
        };
        long[][] index = new long[taps][n];
        float[][] weight = new float[taps][n];
        float[] outside = new float[n];
        boolean anyOutside = false;
        for (int i = 0; i < n; i++) {
            double v = source(s, i, in, length, scale, roiStart, roiEnd);
            if (s.coord() == Coord.TF_CROP_AND_RESIZE && (v < 0 || v > in - 1)) {
                outside[i] = 1;
                anyOutside = true;
                continue; // every weight stays 0
            }
            switch (s.mode()) {
                case NEAREST -> {
                    index[0][i] = clamp(nearestIndex(s.nearest(), v, scale), in);
                    weight[0][i] = 1;
                }
                case LINEAR -> {
                    double c = Math.max(0, Math.min(in - 1, v));
                    long lo = (long) Math.floor(c);
                    double t = c - lo;
                    index[0][i] = lo;
                    index[1][i] = Math.min(lo + 1, in - 1);
                    weight[0][i] = (float) (1 - t);
                    weight[1][i] = (float) t;
                }
                case CUBIC -> {
                    long lo = (long) Math.floor(v);
                    double t = v - lo;
                    double[] w = cubic(t, s.cubicA());
                    double total = 0;
                    for (int k = 0; k < 4; k++) {
                        long src = lo - 1 + k;
                        if (s.excludeOutside() && (src < 0 || src >= in)) {
                            w[k] = 0;
                        }
                        total += w[k];
                        index[k][i] = clamp(src, in);
                    }
                    for (int k = 0; k < 4; k++) {
                        weight[k][i] = (float) (s.excludeOutside() ? w[k] / total : w[k]);
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        NDManager m = x.getManager();
        int rank = x.getShape().dimension();
        long[] wShape = OpSupport.filled(rank - axis, 1);
        wShape[0] = n;
        boolean isFloat = OpSupport.isFloat(x.getDataType());
        if (s.mode() == Mode.NEAREST && !anyOutside) {
            return OpSupport.take(x, m.create(index[0]), axis);
        }
        if (!isFloat) {
            throw new IllegalArgumentException("Resize with interpolation needs a float input, not "
                    + x.getDataType());
        }
        NDArray y = null;
        for (int k = 0; k < taps; k++) {
            NDArray w = m.create(weight[k], new Shape(wShape)).toType(x.getDataType(), false);
            NDArray term = OpSupport.take(x, m.create(index[k]), axis).mul(w);
            y = y == null ? term : y.add(term);
        }
        if (anyOutside) {
            NDArray mask = m.create(outside, new Shape(wShape)).toType(x.getDataType(), false);
            y = y.add(mask.mul(s.extrapolation()));
        }
        return y;
    }

    private static long clamp(long v, long in) {
        return Math.max(0, Math.min(in - 1, v));
    }

    /** Keys' cubic convolution weights of the four neighbours floor(x) - 1 .. floor(x) + 2. */
    private static double[] cubic(double t, double a) {
        double t1 = t + 1;
        double u = 1 - t;
        double u1 = u + 1;
        return new double[] {
            ((a * t1 - 5 * a) * t1 + 8 * a) * t1 - 4 * a,
            ((a + 2) * t - (a + 3)) * t * t + 1,
            ((a + 2) * u - (a + 3)) * u * u + 1,
            ((a * u1 - 5 * a) * u1 + 8 * a) * u1 - 4 * a,
        };
    }
}
