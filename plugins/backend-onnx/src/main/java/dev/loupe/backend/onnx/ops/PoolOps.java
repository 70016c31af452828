package dev.loupe.backend.onnx.ops;

import static dev.loupe.backend.onnx.ops.OpSupport.one;
import static dev.loupe.backend.onnx.ops.OpSupport.spatial;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.loupe.backend.onnx.ops.OpSupport.AutoPad;
import java.util.Arrays;

/** MaxPool, AveragePool and the global pools, on libtorch's pooling. */
final class PoolOps {
    private PoolOps() {
    }

    static void register() {
        OpRegistry.register("MaxPool", PoolOps::maxPool);
        OpRegistry.register("AveragePool", PoolOps::averagePool);
        OpRegistry.register("GlobalAveragePool",
                node -> in -> one(OpSupport.mean(in[0], OpSupport.spatialAxes(in[0]), true)));
        OpRegistry.register("GlobalMaxPool",
                node -> in -> one(OpSupport.extreme(in[0], OpSupport.spatialAxes(in[0]), true, true)));
    }

    /** Window attributes shared by the pools. */
    private record Window(AutoPad autoPad, long[] kernel, long[] strides, long[] dilations, long[] pads,
            boolean ceil) {
        static Window of(NodeSpec node, boolean dilationsAllowed) {
            Attributes a = node.attributes();
            long[] kernel = a.getInts("kernel_shape", null);
            if (kernel == null) {
                throw node.unsupported("a pool without kernel_shape");
            }
            if (kernel.length < 1 || kernel.length > 3) {
                throw node.unsupported("a " + kernel.length + "-D pool");
            }
            long[] dil = a.getInts("dilations", null);
            if (dil == null || dil.length == 0) {
                dil = OpSupport.filled(kernel.length, 1);
            } else if (!dilationsAllowed && Arrays.stream(dil).anyMatch(v -> v != 1)) {
                throw node.unsupported("dilations " + Arrays.toString(dil));
            }
            long[] strides = a.getInts("strides", null);
            if (strides == null || strides.length == 0) {
                strides = OpSupport.filled(kernel.length, 1);
            }
            return new Window(AutoPad.of(node), kernel, strides, dil, a.getInts("pads", null),
                    a.getInt("ceil_mode", 0) != 0);
        }

        boolean dilated() {
            return Arrays.stream(dilations).anyMatch(v -> v != 1);
        }

        long[] pads(NDArray x) {
            return OpSupport.windowPads(autoPad, pads, spatial(x.getShape()), kernel, strides, dilations);
        }

        /** Output sizes as ONNX (and libtorch) define them: a window starting in the end padding is dropped. */
        long[] outputSizes(NDArray x, long[] pads) {
            long[] in = spatial(x.getShape());
            int n = in.length;
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                long span = in[i] + pads[i] + pads[i + n] - ((kernel[i] - 1) * dilations[i] + 1);
                if (autoPad == AutoPad.SAME_UPPER || autoPad == AutoPad.SAME_LOWER) {
                    out[i] = (in[i] + strides[i] - 1) / strides[i];
                } else if (ceil) {
                    out[i] = Math.floorDiv(span + strides[i] - 1, strides[i]) + 1;
                    if ((out[i] - 1) * strides[i] >= in[i] + pads[i]) {
                        out[i]--;
                    }
                } else {
                    out[i] = Math.floorDiv(span, strides[i]) + 1;
                }
            }
            return out;
        }

        /** Whether libtorch's own (symmetric, at most half a window) padding can do it. */
        boolean torchPadding(long[] pads) {
            if (!OpSupport.symmetric(pads)) {
                return false;
            }
            for (int i = 0; i < kernel.length; i++) {
                if (pads[i] > kernel[i] / 2) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Crops spatial axes to the expected sizes (explicit padding may give libtorch an extra window). */
    private static NDArray crop(NDArray y, long[] want) {
        long[] have = spatial(y.getShape());
        if (Arrays.equals(have, want)) {
            return y;
        }
        StringBuilder index = new StringBuilder(":, :");
        for (long v : want) {
            index.append(", :").append(v);
        }
        return y.get(new NDIndex(index.toString()));
    }

    static Kernel maxPool(NodeSpec node) {
        Window win = Window.of(node, true);
        if (node.outputNames().size() > 1 && !node.outputNames().get(1).isEmpty()) {
            throw node.unsupported("the Indices output");
        }
        long storage = node.attributes().getInt("storage_order", 0);
        if (storage != 0 && storage != 1) {
            throw node.unsupported("storage_order=" + storage);
        }
        return in -> {
            NDArray x = in[0];
            long[] pads = win.pads(x);
            long[] want = win.outputSizes(x, pads);
            int n = win.kernel().length;
            Shape k = new Shape(win.kernel());
            Shape s = new Shape(win.strides());
            if (win.dilated()) {
                return one(dilatedMax(x, win, pads, want));
            }
            if (win.torchPadding(pads)) {
                NDArray y = x.getNDArrayInternal().maxPool(k, s, new Shape(Arrays.copyOf(pads, n)), win.ceil());
                return one(crop(y, want));
            }
            NDArray xp = OpSupport.padTrailing(x, pads, Double.NEGATIVE_INFINITY);
            NDArray y = xp.getNDArrayInternal().maxPool(k, s, new Shape(new long[n]), win.ceil());
            return one(crop(y, want));
        };
    }

    static Kernel averagePool(NodeSpec node) {
        Window win = Window.of(node, false);
        boolean includePad = node.attributes().getInt("count_include_pad", 0) != 0;
        return in -> {
            NDArray x = in[0];
            long[] pads = win.pads(x);
            long[] want = win.outputSizes(x, pads);
            int n = win.kernel().length;
            Shape k = new Shape(win.kernel());
            Shape s = new Shape(win.strides());
            Shape zero = new Shape(new long[n]);
            boolean unpadded = Arrays.stream(pads).allMatch(p -> p == 0);
            if (unpadded || includePad && win.torchPadding(pads)) {
                // DJL's native avg_pool ignores count_include_pad (libtorch's default, true, applies)
                NDArray y = x.getNDArrayInternal().avgPool(k, s, new Shape(Arrays.copyOf(pads, n)), win.ceil(), true);
                return one(crop(y, want));
            }
            NDArray xp = OpSupport.padTrailing(x, pads, 0);
            NDArray y = xp.getNDArrayInternal().avgPool(k, s, zero, win.ceil(), true);
            if (!includePad) {
                // divide by the share of real (unpadded) elements in each window
                long[] ms = x.getShape().getShape().clone();
                ms[0] = 1;
                ms[1] = 1;
                NDArray mask = OpSupport.padTrailing(x.getManager().ones(new Shape(ms), x.getDataType()), pads, 0);
                NDArray share = mask.getNDArrayInternal().avgPool(k, s, zero, win.ceil(), true);
                y = y.div(share);
            }
            return one(crop(y, want));
        };
    }

    /**
     * Max pooling with dilations, which libtorch's pooling through DJL lacks: the elementwise
     * maximum of one strided slice per kernel offset.
     */
    private static NDArray dilatedMax(NDArray x, Window win, long[] pads, long[] want) {
        int n = want.length;
        long[] in = spatial(x.getShape());
        long[] p = pads.clone();
        for (int i = 0; i < n; i++) {
            long needed = (want[i] - 1) * win.strides()[i] + (win.kernel()[i] - 1) * win.dilations()[i] + 1;
            p[i + n] += Math.max(0, needed - (in[i] + pads[i] + pads[i + n]));
        }
        NDArray xp = OpSupport.padTrailing(x, p, Double.NEGATIVE_INFINITY);
        int taps = 1;
        for (long k : win.kernel()) {
            taps *= (int) k;
        }
        NDArray y = null;
        for (int t = 0; t < taps; t++) {
            NDIndex index = new NDIndex().addAllDim(2);
            int rest = t;
            long[] offset = new long[n];
            for (int i = n - 1; i >= 0; i--) {
                offset[i] = rest % win.kernel()[i];
                rest /= (int) win.kernel()[i];
            }
            for (int i = 0; i < n; i++) {
                long start = offset[i] * win.dilations()[i];
                index.addSliceDim(start, start + (want[i] - 1) * win.strides()[i] + 1, win.strides()[i]);
            }
            NDArray slice = xp.get(index);
            y = y == null ? slice : y.maximum(slice);
        }
        return y;
    }
}
